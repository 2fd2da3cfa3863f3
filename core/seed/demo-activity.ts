import { and, asc, eq, inArray } from 'drizzle-orm';
import { refreshRollups } from '../analytics/rollups.ts';
import type { Database } from '../db/client.ts';
import { behaviourEvents, courses, enrollments, lessons, platformIdentities, products } from '../db/schema/index.ts';
import { trainCommunity } from '../recommend/train.ts';
import { consolePersonas } from './seed-demo.ts';
import { generateHistory } from './history.ts';
import { insertHistory } from './insert-history.ts';

const DEMO_MEMBERS = 300;

/**
 * A year of activity in the demo community, on its own products and courses, so /stats and the
 * dashboard have something to show on a fresh `npm start`: 300 members buying the membership
 * (by card or Stars) and the bootcamp, renewing, churning and taking lessons; the console's
 * member has finished a course, and the recommender is trained on all of it. Run once, right
 * after the demo community is created.
 */
export async function seedDemoActivity(db: Database, communityId: string, now: Date): Promise<void> {
  const rows = await db.select({ id: products.id, slug: products.slug }).from(products).where(and(eq(products.communityId, communityId), inArray(products.slug, ['all-access', 'python-bootcamp'])));
  const membership = rows.find((row) => row.slug === 'all-access')?.id;
  const bootcamp = rows.find((row) => row.slug === 'python-bootcamp')?.id;
  if (!membership || !bootcamp) throw new Error('the demo community lacks its products');
  const published = await db.select({ id: courses.id, title: courses.title }).from(courses).where(and(eq(courses.communityId, communityId), eq(courses.status, 'published'))).orderBy(asc(courses.title)).limit(6);
  const lessonRows = await db.select({ id: lessons.id, courseId: lessons.courseId, position: lessons.position, title: lessons.title }).from(lessons).where(inArray(lessons.courseId, published.map((course) => course.id))).orderBy(asc(lessons.position));
  const existingCourses = published.map((course) => ({ ...course, lessons: lessonRows.filter((lesson) => lesson.courseId === course.id) })).filter((course) => course.lessons.length);
  const history = generateHistory({ seed: 2026, members: DEMO_MEMBERS, now, subscriptionPlans: ['monthly', 'monthly', 'stars'], existingCourses });
  await insertHistory(db, communityId, history, {
    productOf: { monthly: membership, yearly: membership, weekly: membership, stars: membership, course: bootcamp, starsCourse: bootcamp },
    existingCourses: true,
  });
  await refreshRollups(db);
  await giveMiaAHistory(db, communityId, published[0]?.id, now);
  await trainCommunity({ db, clock: { now: () => now } }, communityId);
}

/** The console's member persona finished a course, so `/recommend` in `npm start` has a reason to give. */
async function giveMiaAHistory(db: Database, communityId: string, courseId: string | undefined, now: Date): Promise<void> {
  const [mia] = await db.select({ memberId: platformIdentities.memberId }).from(platformIdentities).where(and(eq(platformIdentities.platform, 'console'), eq(platformIdentities.platformUserId, consolePersonas.member.userId)));
  if (!mia || !courseId) return;
  const startedAt = new Date(now.getTime() - 20 * 86_400_000);
  await db.insert(enrollments).values({ communityId, memberId: mia.memberId, courseId, startedAt, completedAt: new Date(now.getTime() - 3 * 86_400_000) }).onConflictDoNothing();
  await db.insert(behaviourEvents).values({ communityId, memberId: mia.memberId, kind: 'lesson_completed', courseId, occurredAt: new Date(now.getTime() - 3 * 86_400_000) });
}
