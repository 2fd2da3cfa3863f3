import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { announcements, deliveries } from '../../db/schema/index.ts';
import type { CoreDeps } from '../../deps.ts';
import { type Locale, t } from '../../i18n/index.ts';
import type { Reply } from '../../reply.ts';
import { pacedWithin, whenPaced } from '../pacer.ts';
import { discordBuckets } from '../platform-limits.ts';
import { bucketsFor } from '../send-delivery.ts';
import type { Announcement } from './content.ts';

/** The progress message is edited at most this often (platforms rate-limit edits too). */
export const PROGRESS_EVERY_MS = 3_000;
const BAR_WIDTH = 20;
const PROGRESS_MAX_WAIT_MS = 1_000;

export type AnnouncementCounts = { total: number; sent: number; failed: number; skipped: number; turnedOff: number; unreachable: number; pending: number };

export async function countDeliveries(db: Queryable, announcementId: string): Promise<AnnouncementCounts> {
  return (await countDeliveriesOf(db, [announcementId])).get(announcementId) ?? NO_DELIVERIES;
}

const NO_DELIVERIES: AnnouncementCounts = { total: 0, sent: 0, failed: 0, skipped: 0, turnedOff: 0, unreachable: 0, pending: 0 };

/** The counts of several announcements in one grouped query. */
export async function countDeliveriesOf(db: Queryable, announcementIds: string[]): Promise<Map<string, AnnouncementCounts>> {
  if (!announcementIds.length) return new Map();
  const rows = await db
    .select({
      announcementId: deliveries.announcementId,
      total: sql<number>`count(*)::int`,
      sent: sql<number>`(count(*) filter (where ${deliveries.status} = 'sent'))::int`,
      failed: sql<number>`(count(*) filter (where ${deliveries.status} = 'failed'))::int`,
      skipped: sql<number>`(count(*) filter (where ${deliveries.status} = 'skipped'))::int`,
      turnedOff: sql<number>`(count(*) filter (where ${deliveries.status} = 'skipped' and ${deliveries.lastError} = 'turned off by the member'))::int`,
      unreachable: sql<number>`(count(*) filter (where ${deliveries.status} = 'failed' or ${deliveries.lastError} like 'unreachable:%'))::int`,
      pending: sql<number>`(count(*) filter (where ${deliveries.status} = 'pending'))::int`,
    })
    .from(deliveries)
    .where(inArray(deliveries.announcementId, announcementIds))
    .groupBy(deliveries.announcementId);
  return new Map(rows.map(({ announcementId, ...counts }) => [announcementId!, counts]));
}

/** The creator's view of a send: a bar, the counts, time left, and what they can do next. */
export function progressReply(locale: Locale, announcement: Pick<Announcement, 'id' | 'title' | 'status' | 'startedAt' | 'pausedReason' | 'scheduledAt'>, counts: AnnouncementCounts, now: Date): Reply {
  const done = counts.total - counts.pending;
  const share = counts.total ? done / counts.total : 1;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `${'▓'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${Math.floor(share * 100)}%`;
  const elapsedMs = announcement.startedAt ? now.getTime() - announcement.startedAt.getTime() : 0;
  const etaSeconds = announcement.status === 'sending' && done > 0 && elapsedMs > 1_000 && counts.pending > 0 ? Math.ceil((counts.pending * elapsedMs) / done / 1_000) : undefined;
  const control = (op: 'pause' | 'resume' | 'cancel', style?: 'danger') => ({ label: t(locale, `announce.${op}`), action: { type: 'announce.control' as const, announcementId: announcement.id, op }, ...(style ? { style } : {}) });
  const buttons =
    announcement.status === 'sending' ? [control('pause'), control('cancel', 'danger')] : announcement.status === 'paused' ? [control('resume'), control('cancel', 'danger')] : announcement.status === 'scheduled' ? [control('pause'), control('cancel', 'danger')] : [];
  return {
    title: t(locale, `announce.status.${announcement.status}`, { title: announcement.title }),
    // Before the audience is fixed there is nothing to count yet.
    body: [counts.total ? bar : undefined, announcement.pausedReason ? t(locale, 'announce.pausedBecause', { reason: announcement.pausedReason }) : undefined].filter(Boolean).join('\n'),
    fields: [
      { name: t(locale, 'announce.count.sent'), value: String(counts.sent), inline: true },
      { name: t(locale, 'announce.count.skipped'), value: t(locale, 'announce.count.skippedDetail', { count: counts.skipped, off: counts.turnedOff }), inline: true },
      { name: t(locale, 'announce.count.failed'), value: t(locale, 'announce.count.failedDetail', { count: counts.failed }), inline: true },
      { name: t(locale, 'announce.count.remaining'), value: String(counts.pending), inline: true },
      ...(etaSeconds !== undefined ? [{ name: t(locale, 'announce.count.eta'), value: formatDuration(etaSeconds), inline: true }] : []),
    ],
    ...(buttons.length ? { actions: [{ buttons }] } : {}),
  };
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'log' | 'pacer' | 'delivery' | 'queue'>;

/**
 * After each of an announcement's sends: when nothing is left pending, the send is over (one
 * worker wins the switch to `sent`, makes the final edit and starts whatever was queued behind
 * it); otherwise the progress message is edited if the last edit is a few seconds old.
 */
export async function trackAnnouncement(deps: Deps, announcementId: string): Promise<void> {
  const now = deps.clock.now();
  const [left] = await deps.db.select({ id: deliveries.id }).from(deliveries).where(and(eq(deliveries.announcementId, announcementId), eq(deliveries.status, 'pending'))).limit(1);
  if (!left) {
    const [finished] = await deps.db
      .update(announcements)
      .set({ status: 'sent', finishedAt: now, progressAt: now })
      .where(and(eq(announcements.id, announcementId), eq(announcements.status, 'sending')))
      .returning();
    if (!finished) return;
    await showProgress(deps, finished, { final: true });
    await deps.queue.enqueue('delivery.start-announcements', {});
    return;
  }
  const [due] = await deps.db
    .update(announcements)
    .set({ progressAt: now })
    .where(and(eq(announcements.id, announcementId), eq(announcements.status, 'sending'), sql`(${announcements.progressAt} is null or ${announcements.progressAt} < ${new Date(now.getTime() - PROGRESS_EVERY_MS).toISOString()}::timestamptz)`))
    .returning();
  if (due) await showProgress(deps, due);
}

/**
 * Edits the progress message in place (or sends it first, to the creator's private chat). A
 * failed edit never fails a send: the counts are in `/announce status` whatever happens here.
 */
export async function showProgress(deps: Deps, announcement: Announcement, options: { /** The first or the last word (or a pause): waited for, never skipped. */ final?: boolean } = {}): Promise<void> {
  const place = announcement.progress;
  if (!place) return;
  const gateway = deps.delivery?.[place.platform];
  if (!gateway || !deps.pacer) return;
  try {
    const reply = progressReply(place.locale, announcement, await countDeliveries(deps.db, announcement.id), deps.clock.now());
    const target = { kind: 'dm' as const, id: place.chatId };
    // An edit is not a new unsolicited DM: it draws on the platform's rate (and Telegram's per chat), never on the DM budget.
    const buckets = place.platform === 'discord' ? discordBuckets('channel') : bucketsFor(place.platform, target, false);
    if (options.final) await whenPaced(deps.pacer, buckets);
    // An ordinary update gives way when the platform is busy: the next one comes a few seconds later.
    else if ('retryInMs' in (await pacedWithin(deps.pacer, buckets, PROGRESS_MAX_WAIT_MS))) return;
    if (place.messageId && (await gateway.edit(target, place.messageId, reply))) return;
    const sent = await gateway.send(target, reply);
    if ('sent' in sent) await deps.db.update(announcements).set({ progress: { ...place, messageId: sent.sent } }).where(eq(announcements.id, announcement.id));
  } catch (error) {
    deps.log.warn({ err: error, announcementId: announcement.id }, 'could not update the announcement progress message');
  }
}
