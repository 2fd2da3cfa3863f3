import { and, asc, eq, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import { announcements, deliveries } from '../../db/schema/index.ts';
import type { CoreDeps } from '../../deps.ts';
import { freezeAudience } from './audience.ts';
import { showProgress, trackAnnouncement } from './progress.ts';

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'log' | 'pacer' | 'delivery' | 'queue'>;

/** Sends are enqueued this many at a time (BullMQ pipelines them over one connection). */
const ENQUEUE_CHUNK = 500;
const RUNNING = ['sending', 'paused'] as const;

/**
 * Starts a scheduled announcement whose time has come, unless another announcement of the
 * community is still sending or paused (then it waits its turn: the one before it starts it
 * when it ends). Starting fixes the audience (one ledger row per recipient; members who join
 * later are not added) and enqueues one paced send per row, behind ordinary messages. Run again
 * on a sending announcement (a resume, a retried job), it re-enqueues what is still pending.
 */
export async function startAnnouncement(deps: Deps, announcementId: string): Promise<'started' | 'queued' | 'resumed' | 'not_due'> {
  const now = deps.clock.now();
  const state = await deps.db.transaction(async (tx) => {
    const [announcement] = await tx.select().from(announcements).where(eq(announcements.id, announcementId)).for('update');
    if (!announcement) return 'not_due' as const;
    if (announcement.status === 'sending') return 'resumed' as const;
    if (announcement.status !== 'scheduled' || !announcement.scheduledAt || announcement.scheduledAt > now) return 'not_due' as const;
    // One start at a time per community, so two announcements never both see "nothing ahead".
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${announcement.communityId}))`);
    const [ahead] = await tx
      .select({ id: announcements.id })
      .from(announcements)
      .where(and(eq(announcements.communityId, announcement.communityId), inArray(announcements.status, [...RUNNING]), ne(announcements.id, announcement.id)))
      .limit(1);
    if (ahead) return 'queued' as const;
    await tx.update(announcements).set({ status: 'sending', startedAt: now, progressAt: now }).where(eq(announcements.id, announcement.id));
    await freezeAudience(tx, announcement, now);
    return 'started' as const;
  });
  if (state === 'not_due' || state === 'queued') return state;
  const pending = await deps.db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.announcementId, announcementId), eq(deliveries.status, 'pending'), isNull(deliveries.startedAt)));
  for (let index = 0; index < pending.length; index += ENQUEUE_CHUNK) {
    await Promise.all(pending.slice(index, index + ENQUEUE_CHUNK).map((row) => deps.queue.enqueue('delivery.send', { deliveryId: row.id }, { bulk: true })));
  }
  const [announcement] = await deps.db.select().from(announcements).where(eq(announcements.id, announcementId));
  // Where the confirmation itself shows "starting", the first edit waits its turn; elsewhere the creator gets the progress message now.
  if (state === 'started' && announcement && !announcement.progress?.messageId) await showProgress(deps, announcement, { final: true });
  // An audience that turned out empty (everyone left since the preview) is done at once.
  if (!pending.length) await trackAnnouncement(deps, announcementId);
  deps.log.info({ announcementId, state, enqueued: pending.length }, 'announcement started');
  return state;
}

/** Starts, per community, the oldest announcement whose time has come and that nothing is ahead of. */
export async function startDueAnnouncements(deps: Deps): Promise<{ started: number }> {
  const now = deps.clock.now();
  const due = await deps.db
    .selectDistinctOn([announcements.communityId], { id: announcements.id })
    .from(announcements)
    .where(
      and(
        eq(announcements.status, 'scheduled'),
        lte(announcements.scheduledAt, now),
        sql`not exists (select 1 from ${announcements} running where running.community_id = ${announcements.communityId} and running.status in ('sending', 'paused'))`,
      ),
    )
    .orderBy(announcements.communityId, asc(announcements.scheduledAt), asc(announcements.createdAt));
  let started = 0;
  for (const { id } of due) if ((await startAnnouncement(deps, id)) === 'started') started += 1;
  return { started };
}
