import { and, asc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../audit/record-audit.ts';
import { findCourseIdByName } from '../../catalog/get-course.ts';
import { withDefaultAction } from '../../commands/default-action.ts';
import { courses, liveSessions } from '../../db/schema/index.ts';
import type { CoreDeps } from '../../deps.ts';
import type { DomainError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import type { Actor } from '../../members/actor.ts';
import { can } from '../../members/rbac.ts';
import type { Reply } from '../../reply.ts';
import { err, ok, type Result } from '../../result.ts';
import { byIdPrefix, shortId } from '../../short-ids.ts';
import { communityTime, formatInZone, parseWhen } from '../schedule-time.ts';

export const liveInput = withDefaultAction('list', z.discriminatedUnion('action', [
  z.object({
    action: z.literal('schedule'),
    title: z.string().trim().min(1).max(100),
    at: z.string().trim().min(1).max(40),
    course: z.string().trim().min(1).max(120).optional(),
    link: z.url({ protocol: /^https$/, error: 'must be an https:// link' }).max(100).optional(),
    /** Discord `<guild id>/<channel id>` of a voice or stage channel. */
    voice_channel: z.string().trim().regex(/^\d{5,25}\/\d{5,25}$/, 'server id/channel id').optional(),
    voice_channelBlocked: z.enum(['not_voice']).optional(),
  }),
  z.object({ action: z.literal('list') }),
  z.object({ action: z.literal('cancel'), session: z.string().trim().regex(/^#?[0-9a-f-]{4,36}$/i, 'the #id /live list shows') }),
]));

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'queue'>;

/**
 * `/live schedule <title> <at> [course] [link|voice_channel]` (creators): a live session, which
 * the delivery worker turns into a Discord scheduled event per linked server and a post in the
 * linked Telegram chats, with reminders an hour before and at the start. `/live list` (anyone):
 * what is coming. `/live cancel <#id>` (creators) takes it back everywhere. Audited.
 */
export async function runLiveCommand(deps: Deps, actor: Actor, input: z.infer<typeof liveInput>): Promise<Result<Reply, DomainError>> {
  const { timeZone } = await communityTime(deps.db, actor.communityId);
  if (input.action === 'list') {
    const upcoming = await deps.db
      .select({ id: liveSessions.id, title: liveSessions.title, startsAt: liveSessions.startsAt, course: courses.title })
      .from(liveSessions)
      .leftJoin(courses, eq(courses.id, liveSessions.courseId))
      .where(and(eq(liveSessions.communityId, actor.communityId), eq(liveSessions.status, 'scheduled'), gt(liveSessions.startsAt, new Date(deps.clock.now().getTime() - 60 * 60_000))))
      .orderBy(asc(liveSessions.startsAt))
      .limit(10);
    const lines = upcoming.map((session) => `#${shortId(session.id)} ${formatInZone(session.startsAt, timeZone, actor.locale)} · ${session.title}${session.course ? ` (${session.course})` : ''}`);
    return ok({ title: t(actor.locale, 'live.listTitle'), body: lines.join('\n') || t(actor.locale, 'live.none'), footer: t(actor.locale, 'drip.timeZone', { zone: timeZone }), ephemeral: true });
  }
  if (!can(actor.role, 'delivery.announce')) return err({ code: 'forbidden', permission: 'delivery.announce' });
  const invalid = (details: string) => err<DomainError>({ code: 'invalid_input', details });
  if (input.action === 'cancel') {
    const found = await deps.db.select().from(liveSessions).where(and(eq(liveSessions.communityId, actor.communityId), byIdPrefix(liveSessions.id, input.session), eq(liveSessions.status, 'scheduled'))).limit(2);
    if (found.length !== 1) return invalid(t(actor.locale, 'live.notFound'));
    await deps.db.transaction(async (tx) => {
      await tx.update(liveSessions).set({ status: 'canceled' }).where(eq(liveSessions.id, found[0]!.id));
      await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'live.canceled', targetKind: 'live_session', targetId: found[0]!.id });
    });
    await deps.queue.enqueue('delivery.publish-live', { sessionId: found[0]!.id });
    return ok({ body: t(actor.locale, 'live.canceled', { title: found[0]!.title }), ephemeral: true });
  }
  const when = parseWhen(input.at, timeZone, deps.clock.now());
  if ('error' in when) return invalid(t(actor.locale, `announce.when.${when.error}`, { zone: timeZone }));
  if (input.voice_channelBlocked) return invalid(t(actor.locale, 'live.notVoice'));
  if (input.link && input.voice_channel) return invalid(t(actor.locale, 'live.oneVenue'));
  const courseId = input.course ? await findCourseIdByName(deps.db, { communityId: actor.communityId, name: input.course, statuses: ['published'] }) : undefined;
  if (input.course && !courseId) return err({ code: 'course_not_found' });
  const session = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(liveSessions)
      .values({ communityId: actor.communityId, title: input.title, startsAt: when.at, courseId: courseId ?? null, link: input.link ?? null, voiceChannel: input.voice_channel ?? null, createdByMemberId: actor.memberId })
      .returning();
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'live.scheduled', targetKind: 'live_session', targetId: created!.id, details: { startsAt: when.at.toISOString() } });
    return created!;
  });
  await deps.queue.enqueue('delivery.publish-live', { sessionId: session.id });
  return ok({
    title: t(actor.locale, 'live.scheduled', { title: session.title }),
    body: t(actor.locale, 'live.scheduledBody', { when: formatInZone(session.startsAt, timeZone, actor.locale), id: shortId(session.id) }),
    footer: t(actor.locale, 'drip.timeZone', { zone: timeZone }),
    ephemeral: true,
  });
}
