import { and, asc, eq, ilike, inArray, max, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { courseRevisions, courses, lessons, revisionLessons } from '../db/schema/index.ts';
import type { DomainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';

export type Course = typeof courses.$inferSelect;
export type Revision = typeof courseRevisions.$inferSelect;
export type RevisionLesson = typeof revisionLessons.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A course of the community as its authors name it: id, slug, title, or the title of its open
 * revision (a renamed draft), any status. Another community's course is not found.
 */
export async function findAuthoredCourse(db: Queryable, communityId: string, ref: string): Promise<Course | undefined> {
  const name = ref.trim();
  if (UUID.test(name)) return (await db.select().from(courses).where(and(eq(courses.communityId, communityId), eq(courses.id, name))))[0];
  const pattern = name.replace(/[%_\\]/g, '\\$&');
  const [course] = await db
    .select({ course: courses })
    .from(courses)
    .leftJoin(courseRevisions, and(eq(courseRevisions.courseId, courses.id), inArray(courseRevisions.status, ['draft', 'review'])))
    .where(and(eq(courses.communityId, communityId), or(eq(courses.slug, name.toLowerCase()), ilike(courses.title, pattern), ilike(courseRevisions.title, pattern))))
    .orderBy(sql`${courses.status} = 'archived'`, asc(courses.createdAt))
    .limit(1);
  return course?.course;
}

/** The course's open revision (draft or in review), if any. */
export async function findOpenRevision(db: Queryable, courseId: string): Promise<Revision | undefined> {
  const [revision] = await db.select().from(courseRevisions).where(and(eq(courseRevisions.courseId, courseId), inArray(courseRevisions.status, ['draft', 'review'])));
  return revision;
}

export async function listRevisionLessons(db: Queryable, revisionId: string): Promise<RevisionLesson[]> {
  return db.select().from(revisionLessons).where(eq(revisionLessons.revisionId, revisionId)).orderBy(asc(revisionLessons.position));
}

/**
 * The revision an edit goes into, locked for this transaction: the open draft, or a new one
 * copied from what members see now (fields and lessons, with the lessons' ids kept). A revision
 * waiting for review is not edited: the reviewer would approve something other than they read.
 */
export async function revisionForEdit(tx: Queryable, course: Course, authorMemberId: string): Promise<Result<Revision, DomainError>> {
  await tx.select({ id: courses.id }).from(courses).where(eq(courses.id, course.id)).for('update');
  const open = await findOpenRevision(tx, course.id);
  if (open?.status === 'review') return err({ code: 'course_in_review' });
  if (open) return ok(open);
  const [last] = await tx.select({ number: max(courseRevisions.number) }).from(courseRevisions).where(eq(courseRevisions.courseId, course.id));
  const [revision] = await tx
    .insert(courseRevisions)
    .values({
      communityId: course.communityId,
      courseId: course.id,
      number: Math.max(last?.number ?? 0, course.publishedRevision) + 1,
      title: course.title,
      summary: course.summary,
      description: course.description,
      category: course.category,
      tags: course.tags,
      level: course.level,
      language: course.language,
      coverFileId: course.coverFileId,
      authorMemberId,
    })
    .returning();
  const published = await tx.select().from(lessons).where(eq(lessons.courseId, course.id)).orderBy(asc(lessons.position));
  if (published.length) {
    await tx.insert(revisionLessons).values(
      published.map((lesson) => ({
        revisionId: revision!.id,
        lessonId: lesson.id,
        communityId: course.communityId,
        position: lesson.position,
        title: lesson.title,
        body: lesson.body,
        dripOffsetDays: lesson.dripOffsetDays,
        attachmentFileIds: lesson.attachmentFileIds,
      })),
    );
  }
  return ok(revision!);
}

/**
 * Rewrites the positions of a revision's lessons to 1..n in the given order. Two steps, since
 * (revision, position) is unique at every statement: first out of the way, then into place.
 */
export async function renumberLessons(tx: Queryable, revisionId: string, orderedLessonIds: string[]): Promise<void> {
  if (!orderedLessonIds.length) return;
  await tx.update(revisionLessons).set({ position: sql`${revisionLessons.position} + 100000` }).where(eq(revisionLessons.revisionId, revisionId));
  const cases = sql.join(orderedLessonIds.map((id, index) => sql`when ${id}::uuid then ${index + 1}::int`), sql` `);
  await tx
    .update(revisionLessons)
    .set({ position: sql`case ${revisionLessons.lessonId} ${cases} end` })
    .where(and(eq(revisionLessons.revisionId, revisionId), inArray(revisionLessons.lessonId, orderedLessonIds)));
}

/** A lesson of the revision by its position ("2") or (a prefix of) its id. */
export function pickLesson(lessonsOfRevision: RevisionLesson[], ref: string | number): RevisionLesson | undefined {
  if (typeof ref === 'number' || /^\d{1,3}$/.test(ref)) return lessonsOfRevision.find((lesson) => lesson.position === Number(ref));
  const prefix = ref.toLowerCase();
  const matches = lessonsOfRevision.filter((lesson) => lesson.lessonId.startsWith(prefix));
  return matches.length === 1 ? matches[0] : undefined;
}
