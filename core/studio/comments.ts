import { and, count, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { Queryable } from '../db/client.ts';
import { courses, lessonComments, lessons, members } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { ActionRow, Reply } from '../reply.ts';
import { replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { byIdPrefix, shortId } from '../short-ids.ts';
import { mayOpen } from './course-access.ts';
import { commentForm } from './forms.ts';

const PAGE = 5;
const commentText = z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters');
const ref = z.string().trim().regex(/^[0-9a-f-]{6,36}$/i, 'must be the comment id shown in the list');

export const commentInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('add'), lesson: z.uuid(), text: commentText }),
  z.object({ action: z.literal('reply'), comment: ref, text: commentText }),
  z.object({ action: z.literal('hide'), comment: ref }),
]);

type Deps = Pick<CoreDeps, 'db'>;

/** The lesson of a published course in the actor's community, or undefined (another community's id included). */
async function findLesson(db: Queryable, communityId: string, lessonId: string) {
  const [row] = await db
    .select({ id: lessons.id, title: lessons.title, position: lessons.position, courseId: lessons.courseId, authorMemberId: courses.authorMemberId })
    .from(lessons)
    .innerJoin(courses, eq(courses.id, lessons.courseId))
    .where(and(eq(lessons.id, lessonId), eq(lessons.communityId, communityId)));
  return row;
}

/** The course's author and staff answer and moderate comments. */
const moderates = (actor: Actor, authorMemberId: string | null) => actor.memberId === authorMemberId || can(actor.role, 'catalog.view_unpublished');

/** `/comment`: write on a lesson of a course one owns, or (author, staff) reply to one and hide one. */
export async function manageComment(deps: Deps, actor: Actor, input: z.infer<typeof commentInput>): Promise<Result<Reply, DomainError>> {
  if (input.action === 'add') {
    const lesson = await findLesson(deps.db, actor.communityId, input.lesson);
    if (!lesson) return err({ code: 'lesson_not_found' });
    if (!(await mayOpen(deps.db, actor, lesson.courseId)).allowed) return err({ code: 'course_not_owned' });
    await deps.db.insert(lessonComments).values({ communityId: actor.communityId, courseId: lesson.courseId, lessonId: lesson.id, memberId: actor.memberId, platform: actor.platform, body: input.text });
    return listComments(deps, actor, { lessonId: lesson.id, page: 1 });
  }
  const candidates = await deps.db
    .select({ id: lessonComments.id, lessonId: lessonComments.lessonId })
    .from(lessonComments)
    .where(and(eq(lessonComments.communityId, actor.communityId), byIdPrefix(lessonComments.id, input.comment), isNull(lessonComments.hiddenAt)))
    .limit(2);
  if (candidates.length !== 1) return err({ code: 'comment_not_found' });
  const comment = candidates[0]!;
  const lesson = await findLesson(deps.db, actor.communityId, comment.lessonId);
  if (!lesson) return err({ code: 'comment_not_found' });
  if (!moderates(actor, lesson.authorMemberId)) return err({ code: 'forbidden', permission: 'catalog.view_unpublished' });
  if (input.action === 'reply') {
    await deps.db.insert(lessonComments).values({ communityId: actor.communityId, courseId: lesson.courseId, lessonId: lesson.id, memberId: actor.memberId, platform: actor.platform, body: input.text, replyToId: comment.id });
  } else {
    await deps.db.transaction(async (tx) => {
      await tx.update(lessonComments).set({ hiddenAt: new Date(), hiddenByMemberId: actor.memberId }).where(eq(lessonComments.id, comment.id));
      await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'comment.hidden', targetKind: 'lesson_comment', targetId: comment.id, details: { lesson: lesson.id } });
    });
  }
  return listComments(deps, actor, { lessonId: lesson.id, page: 1 });
}

/** A lesson's visible comments, newest first, a page at a time; owners of the course (and staff) only. */
export async function listComments(deps: Deps, actor: Actor, input: { lessonId: string; page: number }): Promise<Result<Reply, DomainError>> {
  const { locale } = actor;
  const lesson = await findLesson(deps.db, actor.communityId, input.lessonId);
  if (!lesson) return err({ code: 'lesson_not_found' });
  if (!(await mayOpen(deps.db, actor, lesson.courseId)).allowed) return err({ code: 'course_not_owned' });
  const visible = and(eq(lessonComments.lessonId, lesson.id), isNull(lessonComments.hiddenAt));
  const [[total], rows] = await Promise.all([
    deps.db.select({ count: count() }).from(lessonComments).where(visible),
    deps.db
      .select({ id: lessonComments.id, body: lessonComments.body, replyToId: lessonComments.replyToId, platform: lessonComments.platform, author: members.displayName, createdAt: lessonComments.createdAt })
      .from(lessonComments)
      .innerJoin(members, eq(members.id, lessonComments.memberId))
      .where(visible)
      .orderBy(desc(lessonComments.createdAt), desc(lessonComments.id))
      .limit(PAGE)
      .offset((input.page - 1) * PAGE),
  ]);
  const pages = Math.max(1, Math.ceil((total?.count ?? 0) / PAGE));
  const lines = rows.map((row) => {
    const answer = row.replyToId ? `↳ #${shortId(row.replyToId)} ` : '';
    return truncate(`#${shortId(row.id)} ${answer}${row.author}: ${row.body}`, 300);
  });
  const nav: ActionRow = {
    buttons: [
      ...(input.page > 1 ? [{ label: t(locale, 'courses.prev'), action: { type: 'comments.page' as const, lessonId: lesson.id, page: input.page - 1 } }] : []),
      ...(input.page < pages ? [{ label: t(locale, 'courses.next'), action: { type: 'comments.page' as const, lessonId: lesson.id, page: input.page + 1 } }] : []),
      { label: t(locale, 'comments.write'), action: { type: 'comment.write', lessonId: lesson.id }, style: 'primary' },
    ],
  };
  return ok({
    title: truncate(t(locale, 'comments.title', { position: lesson.position, title: lesson.title }), replyLimits.title),
    body: truncate(lines.join('\n\n') || t(locale, 'comments.empty'), replyLimits.body),
    footer: t(locale, 'comments.page', { page: input.page, pages }) + (moderates(actor, lesson.authorMemberId) ? ` · ${t(locale, 'comments.moderateHint')}` : ''),
    actions: [nav],
    ephemeral: true,
  });
}

/** The form to write a comment on a lesson. */
export async function writeCommentForm(deps: Deps, actor: Actor, lessonId: string): Promise<Result<Reply, DomainError>> {
  const lesson = await findLesson(deps.db, actor.communityId, lessonId);
  if (!lesson) return err({ code: 'lesson_not_found' });
  if (!(await mayOpen(deps.db, actor, lesson.courseId)).allowed) return err({ code: 'course_not_owned' });
  return ok({ body: t(actor.locale, 'comments.form.hint'), form: commentForm(actor.locale, { command: 'comment', options: { action: 'add', lesson: lesson.id } }), ephemeral: true });
}
