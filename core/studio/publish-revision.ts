import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { courseRevisions, courses, lessons } from '../db/schema/index.ts';
import type { Revision, RevisionLesson } from './revisions.ts';

/**
 * Makes an approved revision what members see, in the caller's transaction: the course's fields,
 * and its lessons by identity (kept ids keep their progress and comments; removed lessons go).
 */
export async function publishRevision(tx: Queryable, revision: Revision, revised: RevisionLesson[], now: Date): Promise<void> {
  const ids = revised.map((lesson) => lesson.lessonId);
  await tx.delete(lessons).where(and(eq(lessons.courseId, revision.courseId), ids.length ? notInArray(lessons.id, ids) : undefined));
  // Out of the way first: (course, position) is unique at every statement.
  await tx.update(lessons).set({ position: sql`${lessons.position} + 100000` }).where(eq(lessons.courseId, revision.courseId));
  for (const lesson of revised) {
    const values = { title: lesson.title, body: lesson.body, position: lesson.position, dripOffsetDays: lesson.dripOffsetDays, attachmentFileIds: lesson.attachmentFileIds };
    await tx
      .insert(lessons)
      .values({ id: lesson.lessonId, communityId: revision.communityId, courseId: revision.courseId, ...values })
      .onConflictDoUpdate({ target: lessons.id, set: values });
  }
  await tx
    .update(courses)
    .set({
      title: revision.title,
      summary: revision.summary,
      description: revision.description,
      category: revision.category,
      tags: revision.tags,
      level: revision.level,
      language: revision.language,
      coverFileId: revision.coverFileId,
      status: 'published',
      publishedRevision: revision.number,
      publishedAt: sql`coalesce(${courses.publishedAt}, ${now.toISOString()}::timestamptz)`,
    })
    .where(eq(courses.id, revision.courseId));
  await tx.update(courseRevisions).set({ status: 'approved' }).where(eq(courseRevisions.id, revision.id));
}
