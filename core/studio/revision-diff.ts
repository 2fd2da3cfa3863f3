import { asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { courses, lessons } from '../db/schema/index.ts';
import { type Locale, t } from '../i18n/index.ts';
import { truncate } from '../reply.ts';
import type { Revision, RevisionLesson } from './revisions.ts';

const FIELDS = ['title', 'summary', 'description', 'category', 'tags', 'level', 'language', 'coverFileId'] as const;

/**
 * What a revision changes against the published course, one line per change: fields (old -> new)
 * and lessons added, removed, moved or edited (title, text, files, drip). A course never published
 * is all new: its lessons are listed.
 */
export async function diffRevision(db: Queryable, locale: Locale, revision: Revision, revised: RevisionLesson[]): Promise<string[]> {
  const [course] = await db.select().from(courses).where(eq(courses.id, revision.courseId));
  if (!course?.publishedAt) return [t(locale, 'diff.newCourse', { count: revised.length }), ...revised.map((lesson) => `+ ${lesson.position}. ${lesson.title}`)];
  const lines: string[] = [];
  for (const field of FIELDS) {
    const before = show(course[field]);
    const after = show(revision[field]);
    if (before !== after) lines.push(t(locale, 'diff.field', { field, before: truncate(before || '∅', 60), after: truncate(after || '∅', 60) }));
  }
  const published = await db.select().from(lessons).where(eq(lessons.courseId, course.id)).orderBy(asc(lessons.position));
  const byId = new Map(published.map((lesson) => [lesson.id, lesson]));
  const kept = new Set(revised.map((lesson) => lesson.lessonId));
  for (const lesson of revised) {
    const before = byId.get(lesson.lessonId);
    if (!before) {
      lines.push(`+ ${lesson.position}. ${lesson.title}`);
      continue;
    }
    const changed = [
      before.title !== lesson.title && t(locale, 'diff.title', { before: before.title }),
      before.body !== lesson.body && t(locale, 'diff.body', { before: before.body.length, after: lesson.body.length }),
      show(before.attachmentFileIds) !== show(lesson.attachmentFileIds) && t(locale, 'diff.files', { before: before.attachmentFileIds.length, after: lesson.attachmentFileIds.length }),
      before.dripOffsetDays !== lesson.dripOffsetDays && t(locale, 'diff.drip', { before: before.dripOffsetDays, after: lesson.dripOffsetDays }),
      before.position !== lesson.position && t(locale, 'diff.moved', { before: before.position }),
    ].filter(Boolean);
    if (changed.length) lines.push(`~ ${lesson.position}. ${lesson.title}: ${changed.join('; ')}`);
  }
  for (const lesson of published) if (!kept.has(lesson.id)) lines.push(`- ${lesson.position}. ${lesson.title}`);
  return lines.length ? lines : [t(locale, 'diff.none')];
}

const show = (value: unknown) => (Array.isArray(value) ? value.join(', ') : value === null || value === undefined ? '' : String(value));
