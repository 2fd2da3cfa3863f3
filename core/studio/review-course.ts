import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { withDefaultAction } from '../commands/default-action.ts';
import { courseRevisions, courses, members } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { type ActionRow, type Reply, type ReplyField, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { reviewCommentForm } from './forms.ts';
import { publishRevision } from './publish-revision.ts';
import { diffRevision } from './revision-diff.ts';
import { findAuthoredCourse, findOpenRevision, listRevisionLessons, type Revision } from './revisions.ts';

const QUEUE_SHOWN = 5;

export const reviewInput = withDefaultAction('list', z.discriminatedUnion('action', [
  z.object({ action: z.literal('list') }),
  z.object({ action: z.literal('approve'), course: z.string().trim().min(1).max(120) }),
  z.object({ action: z.literal('changes'), course: z.string().trim().min(1).max(120), comment: z.string().trim().min(3).max(1000).optional() }),
]));

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'queue'>;

/** `/review`: the queue, or a decision on a course by name (text platforms; buttons elsewhere). */
export async function review(deps: Deps, actor: Actor, input: z.infer<typeof reviewInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.review')) return err({ code: 'forbidden', permission: 'catalog.review' });
  if (input.action === 'list') return ok(await reviewQueue(deps, actor));
  const course = await findAuthoredCourse(deps.db, actor.communityId, input.course);
  const revision = course ? await findOpenRevision(deps.db, course.id) : undefined;
  if (!revision || revision.status !== 'review') return err({ code: course ? 'not_in_review' : 'course_not_found' });
  return input.action === 'approve' ? approveRevision(deps, actor, revision.id) : requestChanges(deps, actor, { revisionId: revision.id, comment: input.comment });
}

/** Courses waiting for review, oldest submission first, each with its changes and the two decisions. */
async function reviewQueue(deps: Deps, actor: Actor): Promise<Reply> {
  const { locale } = actor;
  const waiting = await deps.db
    .select({ revision: courseRevisions, author: members.displayName })
    .from(courseRevisions)
    .leftJoin(members, eq(members.id, courseRevisions.authorMemberId))
    .where(and(eq(courseRevisions.communityId, actor.communityId), eq(courseRevisions.status, 'review')))
    .orderBy(asc(courseRevisions.submittedAt))
    .limit(QUEUE_SHOWN + 1);
  if (!waiting.length) return { title: t(locale, 'review.title'), body: t(locale, 'review.empty'), ephemeral: true };
  const fields: ReplyField[] = [];
  const actions: ActionRow[] = [];
  for (const { revision, author } of waiting.slice(0, QUEUE_SHOWN)) {
    const diff = await diffRevision(deps.db, locale, revision, await listRevisionLessons(deps.db, revision.id));
    fields.push({
      name: truncate(t(locale, 'review.item', { title: revision.title, number: revision.number, author: author ?? '?', date: revision.submittedAt?.toISOString().slice(0, 10) ?? '' }), replyLimits.fieldName),
      value: truncate(diff.join('\n'), replyLimits.fieldValue),
    });
    const short = truncate(revision.title, 30);
    actions.push({
      buttons: [
        { label: truncate(t(locale, 'review.approve', { title: short }), replyLimits.buttonLabel), action: { type: 'review.approve', revisionId: revision.id }, style: 'primary' },
        { label: truncate(t(locale, 'review.requestChanges', { title: short }), replyLimits.buttonLabel), action: { type: 'review.changes', revisionId: revision.id }, style: 'secondary' },
      ],
    });
  }
  const more = waiting.length > QUEUE_SHOWN ? t(locale, 'review.more', { count: QUEUE_SHOWN }) : undefined;
  return { title: t(locale, 'review.title'), body: [t(locale, 'review.intro'), more].filter(Boolean).join('\n'), fields, actions, ephemeral: true };
}

/** Locks the revision and checks it still waits for review in the actor's community. */
async function lockInReview(tx: Deps['db'], actor: Actor, revisionId: string): Promise<Revision | undefined> {
  const [revision] = await tx.select().from(courseRevisions).where(and(eq(courseRevisions.id, revisionId), eq(courseRevisions.communityId, actor.communityId))).for('update');
  return revision?.status === 'review' ? revision : undefined;
}

/** Approve: the revision becomes what members see; the author is told. */
export async function approveRevision(deps: Deps, actor: Actor, revisionId: string): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.review')) return err({ code: 'forbidden', permission: 'catalog.review' });
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx): Promise<Result<Revision, DomainError>> => {
    const revision = await lockInReview(tx, actor, revisionId);
    if (!revision) return err({ code: 'not_in_review' });
    await publishRevision(tx, revision, await listRevisionLessons(tx, revision.id), now);
    await tx.update(courseRevisions).set({ reviewedAt: now, reviewerMemberId: actor.memberId }).where(eq(courseRevisions.id, revision.id));
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'course.approved', targetKind: 'course', targetId: revision.courseId, details: { revision: revision.number } });
    return ok(revision);
  });
  if (!result.ok) return result;
  await deps.queue.enqueue('delivery.notify-review', { revisionId, reviewedAt: now.toISOString() });
  return ok({ body: t(actor.locale, 'review.approved', { title: result.value.title }), ephemeral: true });
}

/** Request changes: back to draft with the comment (asked for first when missing); the author is told. */
export async function requestChanges(deps: Deps, actor: Actor, input: { revisionId: string; comment?: string | undefined }): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.review')) return err({ code: 'forbidden', permission: 'catalog.review' });
  const comment = input.comment;
  if (!comment) {
    const [revision] = await deps.db.select({ status: courseRevisions.status, courseId: courseRevisions.courseId }).from(courseRevisions).where(and(eq(courseRevisions.id, input.revisionId), eq(courseRevisions.communityId, actor.communityId)));
    if (revision?.status !== 'review') return err({ code: 'not_in_review' });
    return ok({ body: t(actor.locale, 'review.form.hint'), form: reviewCommentForm(actor.locale, { command: 'review', options: { action: 'changes', course: revision.courseId } }), ephemeral: true });
  }
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx): Promise<Result<Revision, DomainError>> => {
    const revision = await lockInReview(tx, actor, input.revisionId);
    if (!revision) return err({ code: 'not_in_review' });
    await tx.update(courseRevisions).set({ status: 'draft', reviewComment: comment, reviewedAt: now, reviewerMemberId: actor.memberId }).where(eq(courseRevisions.id, revision.id));
    await tx.update(courses).set({ status: 'draft' }).where(and(eq(courses.id, revision.courseId), eq(courses.status, 'review')));
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'course.changes_requested', targetKind: 'course', targetId: revision.courseId, details: { revision: revision.number, comment } });
    return ok(revision);
  });
  if (!result.ok) return result;
  await deps.queue.enqueue('delivery.notify-review', { revisionId: input.revisionId, reviewedAt: now.toISOString() });
  return ok({ body: t(actor.locale, 'review.changesRequested', { title: result.value.title }), ephemeral: true });
}
