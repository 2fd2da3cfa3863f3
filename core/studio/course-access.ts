import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { courseRatings, dripReleases, enrollments, entitlements, lessonProgress, lessons, productGrants } from '../db/schema/index.ts';
import { ACCESS_STATUSES } from '../commerce/project-access.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';

/** Whether the member holds an active (or grace) entitlement to a product that includes the course. */
export async function ownsCourse(db: Queryable, params: { communityId: string; memberId: string; courseId: string }): Promise<{ owned: boolean; since?: Date }> {
  const [row] = await db
    .select({ since: sql<Date>`min(${entitlements.startsAt})`.mapWith((value: string) => new Date(value)) })
    .from(entitlements)
    .innerJoin(productGrants, and(eq(productGrants.productId, entitlements.productId), eq(productGrants.kind, 'course'), eq(productGrants.courseId, params.courseId)))
    .where(and(eq(entitlements.communityId, params.communityId), eq(entitlements.memberId, params.memberId), inArray(entitlements.status, [...ACCESS_STATUSES])));
  return row?.since ? { owned: true, since: row.since } : { owned: false };
}

/** Staff preview every lesson; members open what they own. */
export async function mayOpen(db: Queryable, actor: Actor, courseId: string): Promise<{ allowed: boolean; since?: Date }> {
  if (can(actor.role, 'catalog.view_unpublished')) return { allowed: true };
  const owned = await ownsCourse(db, { communityId: actor.communityId, memberId: actor.memberId, courseId });
  return { allowed: owned.owned, ...(owned.since ? { since: owned.since } : {}) };
}

/** The release times fixed for this member's dripped lessons of a course (see core/delivery/drip). */
export async function storedReleases(db: Queryable, params: { memberId: string; courseId: string }): Promise<Map<string, Date>> {
  const rows = await db.select({ lessonId: dripReleases.lessonId, releaseAt: dripReleases.releaseAt }).from(dripReleases).where(and(eq(dripReleases.memberId, params.memberId), eq(dripReleases.courseId, params.courseId)));
  return new Map(rows.map((row) => [row.lessonId, row.releaseAt]));
}

/** When a dripped lesson opens for a member who got the course at `since`, until its release time is fixed by the drip scheduler. */
export function unlocksAt(since: Date | undefined, dripOffsetDays: number): Date | undefined {
  return since && dripOffsetDays > 0 ? new Date(since.getTime() + dripOffsetDays * 86_400_000) : undefined;
}

/** The member's finished lessons of a course, and where they left off. */
export async function courseProgress(db: Queryable, params: { communityId: string; memberId: string; courseId: string }) {
  const [done, [enrollment]] = await Promise.all([
    db.select({ lessonId: lessonProgress.lessonId }).from(lessonProgress).where(and(eq(lessonProgress.communityId, params.communityId), eq(lessonProgress.memberId, params.memberId), eq(lessonProgress.courseId, params.courseId))),
    db.select({ lastLessonId: enrollments.lastLessonId, completedAt: enrollments.completedAt }).from(enrollments).where(and(eq(enrollments.communityId, params.communityId), eq(enrollments.memberId, params.memberId), eq(enrollments.courseId, params.courseId))),
  ]);
  return { done: new Set(done.map((row) => row.lessonId)), lastLessonId: enrollment?.lastLessonId ?? undefined, completed: Boolean(enrollment?.completedAt) };
}

/** Average score and count of a course's ratings. */
export async function courseRating(db: Queryable, courseId: string): Promise<{ average: number; count: number }> {
  const [row] = await db.select({ average: sql<number>`coalesce(avg(${courseRatings.score}), 0)`.mapWith(Number), count: count() }).from(courseRatings).where(eq(courseRatings.courseId, courseId));
  return { average: row?.average ?? 0, count: row?.count ?? 0 };
}

export async function lessonCount(db: Queryable, courseId: string): Promise<number> {
  const [row] = await db.select({ count: count() }).from(lessons).where(eq(lessons.courseId, courseId));
  return row?.count ?? 0;
}
