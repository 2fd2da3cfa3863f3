import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { courseRevisions, courses } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { checkRevision } from './course-checks.ts';
import { findAuthoredCourse, findOpenRevision, listRevisionLessons } from './revisions.ts';

export const submitInput = z.object({ course: z.string().trim().min(1).max(120) });
export const archiveInput = submitInput;

/**
 * `/course archive`: a published course leaves the catalogue; members who own it keep their
 * lessons and progress. Audited. Its open revision, if any, stays for its authors.
 */
export async function archiveCourse(deps: Pick<CoreDeps, 'db'>, actor: Actor, input: z.infer<typeof archiveInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.manage')) return err({ code: 'forbidden', permission: 'catalog.manage' });
  const course = await findAuthoredCourse(deps.db, actor.communityId, input.course);
  if (!course) return err({ code: 'course_not_found' });
  if (course.status !== 'published') return err({ code: 'invalid_input', details: t(actor.locale, 'studio.archiveNotPublished') });
  await deps.db.transaction(async (tx) => {
    await tx.update(courses).set({ status: 'archived' }).where(eq(courses.id, course.id));
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'course.archived', targetKind: 'course', targetId: course.id });
  });
  return ok({ body: t(actor.locale, 'studio.archived', { title: course.title }), ephemeral: true });
}

/**
 * Runs the checks on the course's open draft and, when all pass, sends it to review. A failed
 * check blocks the submission and the checklist says which lesson and why. Audited.
 */
export async function submitCourse(deps: Pick<CoreDeps, 'db' | 'clock'>, actor: Actor, input: z.infer<typeof submitInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.manage')) return err({ code: 'forbidden', permission: 'catalog.manage' });
  const course = await findAuthoredCourse(deps.db, actor.communityId, input.course);
  if (!course) return err({ code: 'course_not_found' });
  return deps.db.transaction(async (tx) => {
    await tx.select({ id: courses.id }).from(courses).where(eq(courses.id, course.id)).for('update');
    const revision = await findOpenRevision(tx, course.id);
    if (!revision) return err({ code: 'invalid_input', details: t(actor.locale, 'studio.nothingToSubmit') });
    if (revision.status === 'review') return err({ code: 'course_in_review' });
    const checks = await checkRevision(tx, actor.locale, revision, await listRevisionLessons(tx, revision.id));
    const checklist = { name: t(actor.locale, 'checks.title'), value: checks.lines.join('\n') };
    if (!checks.passed) return ok({ title: revision.title, body: t(actor.locale, 'checks.blocked'), fields: [checklist], ephemeral: true });
    await tx.update(courseRevisions).set({ status: 'review', submittedAt: deps.clock.now(), reviewComment: null }).where(eq(courseRevisions.id, revision.id));
    if (!course.publishedAt) await tx.update(courses).set({ status: 'review' }).where(eq(courses.id, course.id));
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'course.submitted', targetKind: 'course', targetId: course.id, details: { revision: revision.number } });
    return ok({ title: revision.title, body: t(actor.locale, 'checks.submitted'), fields: [checklist], ephemeral: true });
  });
}
