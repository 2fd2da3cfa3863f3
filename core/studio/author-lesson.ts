import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { revisionLessons } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { storeUpload } from '../files/store-upload.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { lessonFields, lessonRef, studioLimits, uploadInput } from './fields.ts';
import { lessonForm } from './forms.ts';
import { parseMarkdown } from './markdown.ts';
import { type Course, findAuthoredCourse, listRevisionLessons, pickLesson, renumberLessons, revisionForEdit, type RevisionLesson } from './revisions.ts';
import { studioCard } from './studio-card.ts';
import { communityUploadLimits } from './studio-settings.ts';

const courseRef = z.string().trim().min(1).max(120);
const version = z.coerce.number().int().min(1).optional();

export const lessonInput = z.discriminatedUnion('action', [
  lessonFields.partial({ title: true }).extend({ action: z.literal('add'), course: courseRef, position: z.coerce.number().int().min(1).max(studioLimits.lessonsPerCourse).optional(), file: uploadInput.optional() }),
  lessonFields.partial().extend({ action: z.literal('edit'), course: courseRef, lesson: lessonRef, version, file: uploadInput.optional(), clear_files: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional() }),
  z.object({ action: z.literal('move'), course: courseRef, lesson: lessonRef, to: z.coerce.number().int().min(1).max(studioLimits.lessonsPerCourse) }),
  z.object({ action: z.literal('remove'), course: courseRef, lesson: lessonRef }),
]);
export type LessonInput = z.infer<typeof lessonInput>;

type Deps = Pick<CoreDeps, 'db' | 'files'>;

/** `/lesson add|edit|move|remove` on the course's open revision (a new one for a published course). */
export async function manageLesson(deps: Deps, actor: Actor, input: LessonInput): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.manage')) return err({ code: 'forbidden', permission: 'catalog.manage' });
  const course = await findAuthoredCourse(deps.db, actor.communityId, input.course);
  if (!course) return err({ code: 'course_not_found' });
  if ((input.action === 'add' || input.action === 'edit') && input.body) {
    const [problem] = parseMarkdown(input.body).problems;
    if (problem) return err({ code: 'markdown_refused', ...problem });
  }
  if (input.action === 'edit' && [input.title, input.body, input.drip, input.file, input.clear_files].every((value) => value === undefined)) {
    return lessonEditForm(deps, actor, { course: course.id, lesson: input.lesson });
  }
  if (input.action === 'add' && !input.title) {
    return ok({ body: t(actor.locale, 'studio.form.newLesson'), form: lessonForm(actor.locale, { command: 'lesson', options: { action: 'add', course: course.id } }), ephemeral: true });
  }
  // Bytes go to the store before the transaction: a failed upload leaves no lesson half-changed.
  const limits = await communityUploadLimits(deps.db, actor.communityId);
  const upload = 'file' in input && input.file ? await storeUpload(deps, actor, input.file, limits) : undefined;
  if (upload && !upload.ok) return upload;
  const fileId = upload?.value.fileId;

  const result = await deps.db.transaction(async (tx): Promise<Result<string, DomainError>> => {
    const revision = await revisionForEdit(tx, course, actor.memberId);
    if (!revision.ok) return revision;
    const current = await listRevisionLessons(tx, revision.value.id);
    const audit = (action: string, details: Record<string, unknown>) =>
      recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action, targetKind: 'course', targetId: course.id, details: { revision: revision.value.number, ...details } });
    if (input.action === 'add') {
      if (current.length >= studioLimits.lessonsPerCourse) return err({ code: 'invalid_input', details: `a course has at most ${studioLimits.lessonsPerCourse} lessons` });
      const [added] = await tx
        .insert(revisionLessons)
        .values({ revisionId: revision.value.id, communityId: actor.communityId, position: current.length + 1, title: input.title!, body: input.body ?? '', dripOffsetDays: input.drip ?? 0, attachmentFileIds: fileId ? [fileId] : [] })
        .returning({ lessonId: revisionLessons.lessonId });
      if (input.position && input.position <= current.length) await renumberLessons(tx, revision.value.id, insertAt(current, added!.lessonId, input.position));
      await audit('lesson.added', { lesson: added!.lessonId, title: input.title });
      return ok(t(actor.locale, 'studio.lessonAdded', { title: input.title! }));
    }
    const lesson = pickLesson(current, input.lesson);
    if (!lesson) return err({ code: 'lesson_not_found' });
    if (input.action === 'edit') {
      if (input.version !== undefined && input.version !== lesson.version) return err({ code: 'stale_edit' });
      const files = input.clear_files ? [] : lesson.attachmentFileIds;
      const attachments = fileId && !files.includes(fileId) ? [...files, fileId] : files;
      if (attachments.length > limits.maxFilesPerLesson) return err({ code: 'too_many_files', max: limits.maxFilesPerLesson });
      const changes = { ...(input.title !== undefined ? { title: input.title } : {}), ...(input.body !== undefined ? { body: input.body } : {}), ...(input.drip !== undefined ? { dripOffsetDays: input.drip } : {}), attachmentFileIds: attachments };
      // The version is checked again in the UPDATE: of two saves racing from the same form, one wins.
      const updated = await tx
        .update(revisionLessons)
        .set({ ...changes, version: lesson.version + 1 })
        .where(and(eq(revisionLessons.revisionId, revision.value.id), eq(revisionLessons.lessonId, lesson.lessonId), eq(revisionLessons.version, lesson.version)))
        .returning({ lessonId: revisionLessons.lessonId });
      if (!updated.length) return err({ code: 'stale_edit' });
      await audit('lesson.edited', { lesson: lesson.lessonId, fields: Object.keys(changes) });
      return ok(t(actor.locale, 'studio.lessonSaved', { title: changes.title ?? lesson.title }));
    }
    if (input.action === 'move') {
      await renumberLessons(tx, revision.value.id, insertAt(current.filter((other) => other.lessonId !== lesson.lessonId), lesson.lessonId, Math.min(input.to, current.length)));
      await audit('lesson.moved', { lesson: lesson.lessonId, from: lesson.position, to: input.to });
      return ok(t(actor.locale, 'studio.lessonMoved', { title: lesson.title, position: Math.min(input.to, current.length) }));
    }
    await tx.delete(revisionLessons).where(and(eq(revisionLessons.revisionId, revision.value.id), eq(revisionLessons.lessonId, lesson.lessonId)));
    await renumberLessons(tx, revision.value.id, current.filter((other) => other.lessonId !== lesson.lessonId).map((other) => other.lessonId));
    await audit('lesson.removed', { lesson: lesson.lessonId, title: lesson.title });
    return ok(t(actor.locale, 'studio.lessonRemoved', { title: lesson.title }));
  });
  if (!result.ok) return result;
  return ok(await studioCard(deps.db, actor, course as Course, result.value));
}

/** The lesson ids in order with `lessonId` placed at 1-based `position`. */
function insertAt(others: RevisionLesson[], lessonId: string, position: number): string[] {
  const ids = others.map((other) => other.lessonId).filter((id) => id !== lessonId);
  ids.splice(position - 1, 0, lessonId);
  return ids;
}

/** A lesson's current text and version, for the edit form ("changed since you opened it" is judged against this version). */
export async function lessonEditForm(deps: Deps, actor: Actor, input: { course: string; lesson: string | number }): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.manage')) return err({ code: 'forbidden', permission: 'catalog.manage' });
  const course = await findAuthoredCourse(deps.db, actor.communityId, input.course);
  if (!course) return err({ code: 'course_not_found' });
  const revision = await deps.db.transaction(async (tx) => revisionForEdit(tx, course, actor.memberId));
  if (!revision.ok) return revision;
  const lesson = pickLesson(await listRevisionLessons(deps.db, revision.value.id), input.lesson);
  if (!lesson) return err({ code: 'lesson_not_found' });
  return ok({
    body: t(actor.locale, 'studio.form.editLesson'),
    form: lessonForm(actor.locale, { command: 'lesson', options: { action: 'edit', course: course.id, lesson: lesson.lessonId, version: String(lesson.version) } }, lesson),
    ephemeral: true,
  });
}
