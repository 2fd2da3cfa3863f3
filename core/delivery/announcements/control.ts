import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../audit/record-audit.ts';
import { announcements, deliveries, type ProgressMessage } from '../../db/schema/index.ts';
import type { CoreDeps } from '../../deps.ts';
import type { DomainError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import type { Actor } from '../../members/actor.ts';
import { can } from '../../members/rbac.ts';
import type { Reply } from '../../reply.ts';
import { err, ok, type Result } from '../../result.ts';
import { byIdPrefix, shortId } from '../../short-ids.ts';
import { countDeliveries, countDeliveriesOf, progressReply } from './progress.ts';

/** `#1a2b3c4d` of the announcement; without it, the one sending (or paused, or next scheduled). */
const announcementRef = z.string().trim().regex(/^#?[0-9a-f-]{4,36}$/i, 'the #id /announce status shows').optional();
export const announceControlInputs = (['pause', 'resume', 'cancel'] as const).map((action) => z.object({ action: z.literal(action), announcement: announcementRef }));
type ControlInput = { action: 'pause' | 'resume' | 'cancel'; announcement?: string | undefined };

/** Where a button was pressed (Telegram): that message becomes the progress message. */
export type PressedMessage = { chatId: string; messageId: string };

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'queue'>;
const OPEN = ['draft', 'scheduled', 'sending', 'paused'] as const;

/**
 * The creator's Confirm on a preview: the announcement is scheduled (now, or at its time), and
 * starts as soon as nothing else of the community is sending — if something is, it waits its
 * turn and the reply says so. Pressing twice changes nothing.
 */
export async function confirmAnnouncement(deps: Deps, actor: Actor, announcementId: string, pressed?: PressedMessage): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'delivery.announce')) return err({ code: 'forbidden', permission: 'delivery.announce' });
  const now = deps.clock.now();
  const progress: ProgressMessage = pressed && actor.platform === 'telegram' ? { platform: 'telegram', ...pressed, locale: actor.locale } : { platform: actor.platform, chatId: actor.platformUserId, locale: actor.locale };
  const confirmed = await deps.db.transaction(async (tx) => {
    const [draft] = await tx.select().from(announcements).where(and(eq(announcements.id, announcementId), eq(announcements.communityId, actor.communityId))).for('update');
    if (!draft || draft.status !== 'draft') return draft;
    const at = draft.scheduledAt && draft.scheduledAt > now ? draft.scheduledAt : now;
    const [updated] = await tx.update(announcements).set({ status: 'scheduled', scheduledAt: at, progress }).where(eq(announcements.id, draft.id)).returning();
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'announcement.confirmed', targetKind: 'announcement', targetId: draft.id, details: { audience: draft.audience, at: at.toISOString() } });
    return updated;
  });
  if (!confirmed) return err({ code: 'announcement_not_found' });
  const delayMs = Math.max(0, (confirmed.scheduledAt?.getTime() ?? 0) - now.getTime());
  await deps.queue.enqueue('delivery.start-announcement', { announcementId: confirmed.id }, delayMs ? { delayMs } : {});
  const [ahead] = await deps.db
    .select({ id: announcements.id })
    .from(announcements)
    .where(and(eq(announcements.communityId, actor.communityId), inArray(announcements.status, ['sending', 'paused'])))
    .limit(1);
  const note = ahead ? t(actor.locale, 'announce.queuedBehind', { id: shortId(ahead.id) }) : delayMs ? t(actor.locale, 'announce.scheduledNote') : t(actor.locale, 'announce.startingNote');
  return ok(await statusReply(deps, actor, confirmed, note));
}

/** `/announce pause|resume|cancel [#id]`, and the same buttons under the progress message. Audited. */
export async function controlAnnouncement(deps: Deps, actor: Actor, input: ControlInput & { announcementId?: string }): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'delivery.announce')) return err({ code: 'forbidden', permission: 'delivery.announce' });
  const target = await findTarget(deps, actor, input);
  if (!target) return err({ code: 'announcement_not_found' });
  const now = deps.clock.now();
  const changed = await deps.db.transaction(async (tx) => {
    const from = input.action === 'pause' ? ['scheduled', 'sending'] : input.action === 'resume' ? ['paused'] : [...OPEN];
    // Resumed before it ever started (paused while scheduled): it goes back to waiting for its time.
    const resumed = target.startedAt ? 'sending' : 'scheduled';
    const [updated] = await tx
      .update(announcements)
      .set(input.action === 'pause' ? { status: 'paused' } : input.action === 'resume' ? { status: resumed, pausedReason: null } : { status: 'canceled', finishedAt: now })
      .where(and(eq(announcements.id, target.id), inArray(announcements.status, from as Array<(typeof OPEN)[number]>)))
      .returning();
    if (!updated) return undefined;
    // Canceled: what was not sent yet is settled as skipped (a send already under way finishes).
    if (input.action === 'cancel') await tx.update(deliveries).set({ status: 'skipped', lastError: 'canceled' }).where(and(eq(deliveries.announcementId, target.id), eq(deliveries.status, 'pending'), isNull(deliveries.startedAt)));
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: `announcement.${input.action}`, targetKind: 'announcement', targetId: target.id });
    return updated;
  });
  if (changed && input.action === 'resume') await deps.queue.enqueue('delivery.start-announcement', { announcementId: target.id });
  if (changed && input.action === 'cancel') await deps.queue.enqueue('delivery.start-announcements', {});
  const note = changed ? t(actor.locale, `announce.done.${input.action}`) : t(actor.locale, 'announce.cannot', { action: input.action, status: t(actor.locale, `announce.state.${target.status}`) });
  return ok(await statusReply(deps, actor, changed ?? target, note));
}

/** `/announce status`: the community's latest announcements, where each one stands. */
export async function listAnnouncements(deps: Deps, actor: Actor): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'delivery.announce')) return err({ code: 'forbidden', permission: 'delivery.announce' });
  const latest = await deps.db.select().from(announcements).where(eq(announcements.communityId, actor.communityId)).orderBy(desc(announcements.createdAt)).limit(5);
  if (!latest.length) return ok({ body: t(actor.locale, 'announce.none'), ephemeral: true });
  const running = latest.find((announcement) => announcement.status === 'sending' || announcement.status === 'paused');
  const counted = await countDeliveriesOf(deps.db, latest.map((announcement) => announcement.id));
  const lines = latest.map((announcement) => {
    const counts = counted.get(announcement.id);
    return t(actor.locale, 'announce.line', { id: shortId(announcement.id), title: announcement.title, status: t(actor.locale, `announce.state.${announcement.status}`), sent: counts?.sent ?? 0, total: counts?.total ?? 0 });
  });
  const head = running ? await statusReply(deps, actor, running) : { title: t(actor.locale, 'announce.listTitle') };
  return ok({ ...head, body: [head.body, lines.join('\n')].filter(Boolean).join('\n\n'), ephemeral: true });
}

async function statusReply(deps: Deps, actor: Actor, announcement: typeof announcements.$inferSelect, note?: string): Promise<Reply> {
  const reply = progressReply(actor.locale, announcement, await countDeliveries(deps.db, announcement.id), deps.clock.now());
  const where = announcement.progress?.platform === 'discord' && actor.platform === 'discord' && (announcement.status === 'scheduled' || announcement.status === 'sending') ? t(actor.locale, 'announce.progressInDms') : undefined;
  return { ...reply, body: [note, reply.body].filter(Boolean).join('\n'), ...(where ? { footer: where } : {}), ephemeral: true };
}

async function findTarget(deps: Deps, actor: Actor, input: { announcement?: string | undefined; announcementId?: string }) {
  const scope = eq(announcements.communityId, actor.communityId);
  if (input.announcementId) return (await deps.db.select().from(announcements).where(and(scope, eq(announcements.id, input.announcementId))))[0];
  if (input.announcement) {
    const rows = await deps.db.select().from(announcements).where(and(scope, byIdPrefix(announcements.id, input.announcement))).limit(2);
    return rows.length === 1 ? rows[0] : undefined;
  }
  const [current] = await deps.db
    .select()
    .from(announcements)
    .where(and(scope, inArray(announcements.status, ['sending', 'paused', 'scheduled'])))
    .orderBy(sql`${announcements.status} in ('sending', 'paused') desc`, desc(announcements.createdAt))
    .limit(1);
  return current;
}
