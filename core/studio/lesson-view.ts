import { and, asc, count, eq, inArray, isNull } from 'drizzle-orm';
import { recordEvent } from '../analytics/record-event.ts';
import type { Queryable } from '../db/client.ts';
import { communityFiles, courses, enrollments, lessonComments, lessonProgress, lessons } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { ReplyButton, Reply, ReplyFile } from '../reply.ts';
import { replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { courseProgress, mayOpen, storedReleases, unlocksAt } from './course-access.ts';
import { parseMarkdown } from './markdown.ts';

type Deps = Pick<CoreDeps, 'db' | 'clock'>;

/** A course members may open lessons of: published, or archived (owners keep what they bought). */
async function openableCourse(db: Queryable, actor: Actor, courseId: string) {
  const [course] = await db
    .select({ id: courses.id, title: courses.title })
    .from(courses)
    .where(and(eq(courses.id, courseId), eq(courses.communityId, actor.communityId), inArray(courses.status, ['published', 'archived'])));
  return course;
}

/**
 * A member opens a lesson: only a lesson of a course they own (staff preview any) and that has
 * dripped. The answer is the lesson's text, its attachments as files, Prev / Mark done / Next and
 * its comments; the enrollment remembers where they are ("continue" on /my). A `lesson_opened` event.
 */
export async function openLesson(deps: Deps, actor: Actor, input: { courseId: string; position: number }): Promise<Result<Reply, DomainError>> {
  const found = await lessonOfOwnedCourse(deps, actor, input.courseId, (candidate) => candidate.position === input.position);
  if (!found.ok) return found;
  const { course, access, all, lesson } = found.value;
  const until = (await storedReleases(deps.db, { memberId: actor.memberId, courseId: course.id })).get(lesson.id) ?? unlocksAt(access.since, lesson.dripOffsetDays);
  if (until && until > deps.clock.now()) return err({ code: 'lesson_locked', until: until.toISOString().slice(0, 10) });

  const now = deps.clock.now();
  // Where the member is, and the event, are written while the lesson is read: neither changes what it shows.
  const [reply] = await Promise.all([
    renderLesson(deps.db, actor, course, lesson, all.length),
    deps.db
      .insert(enrollments)
      .values({ communityId: actor.communityId, memberId: actor.memberId, courseId: course.id, startedAt: now, lastLessonId: lesson.id, lastOpenedAt: now })
      .onConflictDoUpdate({ target: [enrollments.communityId, enrollments.memberId, enrollments.courseId], set: { lastLessonId: lesson.id, lastOpenedAt: now } }),
    recordEvent(deps.db, { communityId: actor.communityId, memberId: actor.memberId, kind: 'lesson_opened', courseId: course.id, lessonId: lesson.id, occurredAt: now }),
  ]);
  return ok(reply);
}

/** Mark done: once per member and lesson (a second press changes nothing); the course completes with its last lesson. */
export async function markLessonDone(deps: Deps, actor: Actor, input: { courseId: string; lessonId: string }): Promise<Result<Reply, DomainError>> {
  const found = await lessonOfOwnedCourse(deps, actor, input.courseId, (candidate) => candidate.id === input.lessonId);
  if (!found.ok) return found;
  const { course, all, lesson } = found.value;
  const now = deps.clock.now();
  const inserted = await deps.db
    .insert(lessonProgress)
    .values({ communityId: actor.communityId, memberId: actor.memberId, courseId: course.id, lessonId: lesson.id, completedAt: now })
    .onConflictDoNothing()
    .returning({ lessonId: lessonProgress.lessonId });
  if (inserted.length) {
    await recordEvent(deps.db, { communityId: actor.communityId, memberId: actor.memberId, kind: 'lesson_completed', courseId: course.id, lessonId: lesson.id, occurredAt: now });
    const [done] = await deps.db.select({ count: count() }).from(lessonProgress).where(and(eq(lessonProgress.memberId, actor.memberId), eq(lessonProgress.courseId, course.id)));
    if ((done?.count ?? 0) >= all.length) {
      await deps.db
        .update(enrollments)
        .set({ completedAt: now })
        .where(and(eq(enrollments.communityId, actor.communityId), eq(enrollments.memberId, actor.memberId), eq(enrollments.courseId, course.id), isNull(enrollments.completedAt)));
    }
  }
  return ok(await renderLesson(deps.db, actor, course, lesson, all.length, { filesSent: true }));
}

/** The course (openable by the actor), its lessons and the one asked for; another community's ids are not found. */
async function lessonOfOwnedCourse(deps: Deps, actor: Actor, courseId: string, pick: (lesson: Lesson) => boolean) {
  const course = await openableCourse(deps.db, actor, courseId);
  if (!course) return err<DomainError>({ code: 'course_not_found' });
  const access = await mayOpen(deps.db, actor, course.id);
  if (!access.allowed) return err<DomainError>({ code: 'course_not_owned' });
  const all = await deps.db.select().from(lessons).where(eq(lessons.courseId, course.id)).orderBy(asc(lessons.position));
  const lesson = all.find(pick);
  return lesson ? ok({ course, access, all, lesson }) : err<DomainError>({ code: 'lesson_not_found' });
}

type Lesson = typeof lessons.$inferSelect;

async function renderLesson(
  db: Queryable,
  actor: Actor,
  course: { id: string; title: string },
  lesson: typeof lessons.$inferSelect,
  total: number,
  options: { filesSent?: boolean } = {},
): Promise<Reply> {
  const { locale } = actor;
  const [progress, files, [comments]] = await Promise.all([
    courseProgress(db, { communityId: actor.communityId, memberId: actor.memberId, courseId: course.id }),
    attachmentsOf(db, actor.communityId, lesson.attachmentFileIds),
    db.select({ count: count() }).from(lessonComments).where(and(eq(lessonComments.lessonId, lesson.id), isNull(lessonComments.hiddenAt))),
  ]);
  const done = progress.done.has(lesson.id);
  const buttons: ReplyButton[] = [];
  if (lesson.position > 1) buttons.push({ label: t(locale, 'lesson.prev'), action: { type: 'lesson.open', courseId: course.id, position: lesson.position - 1 } });
  buttons.push(done ? { label: t(locale, 'lesson.done'), action: { type: 'lesson.open', courseId: course.id, position: lesson.position }, style: 'secondary' } : { label: t(locale, 'lesson.markDone'), action: { type: 'lesson.done', courseId: course.id, lessonId: lesson.id }, style: 'primary' });
  if (lesson.position < total) buttons.push({ label: t(locale, 'lesson.next'), action: { type: 'lesson.open', courseId: course.id, position: lesson.position + 1 }, style: done ? 'primary' : 'secondary' });
  buttons.push({ label: t(locale, 'lesson.comments', { count: comments?.count ?? 0 }), action: { type: 'comments.page', lessonId: lesson.id, page: 1 } });
  return {
    title: truncate(t(locale, 'lesson.title', { position: lesson.position, total, title: lesson.title }), replyLimits.title),
    blocks: parseMarkdown(lesson.body).blocks,
    footer: truncate(`${course.title} · ${t(locale, 'lesson.progress', { done: progress.done.size, total })}`, replyLimits.title),
    ...(options.filesSent || !files.length ? {} : { files }),
    actions: [{ buttons }],
    ephemeral: true,
    long: true,
  };
}

/** A lesson's files as the reply carries them, in the lesson's order, only the community's own. */
export async function attachmentsOf(db: Queryable, communityId: string, fileIds: string[]): Promise<ReplyFile[]> {
  if (!fileIds.length) return [];
  const rows = await db
    .select({ id: communityFiles.id, sha256: communityFiles.sha256, name: communityFiles.name, kind: communityFiles.kind, mime: communityFiles.mime, size: communityFiles.size })
    .from(communityFiles)
    .where(and(eq(communityFiles.communityId, communityId), inArray(communityFiles.id, fileIds)));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return fileIds.flatMap((id) => {
    const row = byId.get(id);
    return row ? [{ sha256: row.sha256, name: row.name, kind: row.kind, mime: row.mime, size: row.size }] : [];
  });
}
