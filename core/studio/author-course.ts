import { and, eq, like } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { Queryable } from '../db/client.ts';
import { courseRevisions, courses, revisionLessons } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { type CourseFieldEdits, type CourseFields, courseFieldEdits, courseFields, slugFrom, uploadInput } from './fields.ts';
import { courseForm } from './forms.ts';
import { storeUpload } from '../files/store-upload.ts';
import { communityUploadLimits } from './studio-settings.ts';
import { type Course, findAuthoredCourse, revisionForEdit } from './revisions.ts';
import { studioCard } from './studio-card.ts';

export const newCourseInput = courseFields.partial({ title: true });
export const editCourseInput = courseFieldEdits.extend({ course: z.string().trim().min(1).max(120), version: z.coerce.number().int().min(1).optional(), cover: uploadInput.optional() });

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'files'>;

/**
 * `/course new`: a draft course and its first revision, authored by the actor. Without a title
 * the answer is the form to fill in (a modal, a guided chat); with one the draft is made at once.
 */
export async function createCourse(deps: Deps, actor: Actor, input: z.infer<typeof newCourseInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.manage')) return err({ code: 'forbidden', permission: 'catalog.manage' });
  if (!input.title) return ok({ body: t(actor.locale, 'studio.form.newCourse'), form: courseForm(actor.locale, { command: 'course', options: { action: 'new' } }), ephemeral: true });
  const course = await deps.db.transaction((tx) => insertDraftCourse(tx, actor, { ...input, title: input.title! }, []));
  return ok(await studioCard(deps.db, actor, course, t(actor.locale, 'studio.created')));
}

export type DraftLesson = { title: string; body: string; dripOffsetDays: number; attachmentFileIds: string[] };

/** A new draft course with its first revision (and lessons, for an import), in the caller's transaction. Audited. */
export async function insertDraftCourse(tx: Queryable, actor: Actor, fields: CourseFields, draftLessons: DraftLesson[], via = 'new'): Promise<Course> {
  const slug = await freeSlug(tx, actor.communityId, slugFrom(fields.title, crypto.randomUUID().slice(0, 8)));
  const values = { title: fields.title, summary: fields.summary ?? '', description: fields.description ?? '', category: fields.category || t(actor.locale, 'studio.defaultCategory'), tags: fields.tags ?? [], level: fields.level ?? 'beginner', language: fields.language ?? actor.locale };
  const [created] = await tx.insert(courses).values({ communityId: actor.communityId, slug, status: 'draft', authorMemberId: actor.memberId, ...values }).returning();
  const [revision] = await tx.insert(courseRevisions).values({ communityId: actor.communityId, courseId: created!.id, number: 1, authorMemberId: actor.memberId, ...values }).returning({ id: courseRevisions.id });
  if (draftLessons.length) {
    await tx.insert(revisionLessons).values(draftLessons.map((lesson, index) => ({ revisionId: revision!.id, communityId: actor.communityId, position: index + 1, ...lesson })));
  }
  await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'course.created', targetKind: 'course', targetId: created!.id, details: { title: fields.title, via, lessons: draftLessons.length } });
  return created!;
}

/**
 * `/course edit`: changes the course's fields in its open revision (a new one when the course is
 * published). A save from a form opened at an older `version` is refused, never merged.
 */
export async function editCourse(deps: Deps, actor: Actor, input: z.infer<typeof editCourseInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.manage')) return err({ code: 'forbidden', permission: 'catalog.manage' });
  const course = await findAuthoredCourse(deps.db, actor.communityId, input.course);
  if (!course) return err({ code: 'course_not_found' });
  const { course: _ref, version, action: _action, cover, ...edits } = input as typeof input & { action?: string };
  const changes: CourseFieldEdits & { coverFileId?: string } = Object.fromEntries(Object.entries(edits).filter(([, value]) => value !== undefined));
  if (cover) {
    // The cover is shown as a picture: only an image will do.
    const uploaded = await storeUpload(deps, actor, cover, await communityUploadLimits(deps.db, actor.communityId));
    if (!uploaded.ok) return uploaded;
    if (uploaded.value.kind !== 'image') return err({ code: 'upload_refused', reason: 'type_refused', detail: `${uploaded.value.mime}: the cover must be an image` });
    changes.coverFileId = uploaded.value.fileId;
  }
  if (!Object.keys(changes).length) {
    const revision = await deps.db.transaction(async (tx) => revisionForEdit(tx, course, actor.memberId));
    if (!revision.ok) return revision;
    return ok({ body: t(actor.locale, 'studio.form.editCourse'), form: courseForm(actor.locale, { command: 'course', options: { action: 'edit', course: course.id, version: String(revision.value.version) } }, revision.value), ephemeral: true });
  }
  const result = await deps.db.transaction(async (tx): Promise<Result<Course, DomainError>> => {
    const revision = await revisionForEdit(tx, course, actor.memberId);
    if (!revision.ok) return revision;
    if (version !== undefined && version !== revision.value.version) return err({ code: 'stale_edit' });
    await tx.update(courseRevisions).set({ ...changes, version: revision.value.version + 1 }).where(eq(courseRevisions.id, revision.value.id));
    // A course nobody has seen yet is its draft: the catalog (for its authors) shows the new fields.
    if (!course.publishedAt) await tx.update(courses).set(changes).where(eq(courses.id, course.id));
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'course.edited', targetKind: 'course', targetId: course.id, details: { fields: Object.keys(changes), revision: revision.value.number } });
    return ok(course);
  });
  if (!result.ok) return result;
  return ok(await studioCard(deps.db, actor, result.value, t(actor.locale, 'studio.saved')));
}

async function freeSlug(db: Queryable, communityId: string, base: string): Promise<string> {
  const taken = new Set((await db.select({ slug: courses.slug }).from(courses).where(and(eq(courses.communityId, communityId), like(courses.slug, `${base}%`)))).map((row) => row.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
