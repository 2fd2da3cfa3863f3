import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { deliveries, unreachableTargets } from '../db/schema/index.ts';
import type { NotificationKind } from './notification-kinds.ts';
import { wantsMessage } from './preferences.ts';
import type { CoreDeps } from '../deps.ts';
import type { Reply } from '../reply.ts';
import type { DeliveryTarget } from './delivery-gateway.ts';
import { type Bucket, whenPaced } from './pacer.ts';
import { DISCORD_INVALID_REQUESTS, discordBuckets, platformLimits, telegramBuckets } from './platform-limits.ts';

/** Which member preference a kind of message answers to; `direct` (receipts, access) always goes. */
const PREFERENCE_OF: Partial<Record<Row['kind'], NotificationKind>> = { announcement: 'announcements', lesson: 'drip', digest: 'digests' };

/** A claim older than this belongs to a worker that died mid-call: its send is recorded as unconfirmed, not repeated. */
export const STALE_SEND_MS = 2 * 60_000;

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'log' | 'pacer' | 'delivery'>;
type Row = typeof deliveries.$inferSelect;

export type DeliveryOutcome = 'sent' | 'unconfirmed' | 'failed' | 'skipped' | 'busy' | 'done' | { retryInMs: number };

/**
 * Sends one row of the delivery ledger, at most once. The row is claimed (`started_at`) in its
 * own transaction before the platform call and confirmed after it; a claim found stale is a
 * worker that died between the two, recorded as sent-unconfirmed and never sent again. Sends are
 * paced through the shared pacer; a recipient the platform refused for good is marked
 * unreachable (later rows to them are skipped), a 429 closes the bucket for its retry_after.
 */
export async function sendDelivery(deps: Deps, deliveryId: string, render: (row: Row) => Promise<Reply | undefined> = async (row) => row.payload ?? undefined): Promise<DeliveryOutcome> {
  const claimed = await deps.db.transaction((tx) => claim(deps, tx, deliveryId));
  if (typeof claimed === 'string') return claimed;
  const row = claimed;
  const gateway = row.platform === 'telegram' ? deps.delivery?.telegram : row.platform === 'discord' ? deps.delivery?.discord : undefined;
  const reply = await render(row);
  if (!gateway || !deps.pacer || !reply) {
    await settle(deps.db, row.id, { status: 'skipped', lastError: !reply ? 'nothing to send' : 'platform not connected' });
    return 'skipped';
  }
  const target: DeliveryTarget = { kind: row.targetKind, id: row.targetId };
  const { invalidRequestsWindowMs, invalidRequestsStopDmsAt } = platformLimits.discord;
  if (row.platform === 'discord' && target.kind === 'dm' && (await deps.pacer.count(DISCORD_INVALID_REQUESTS, invalidRequestsWindowMs)) >= invalidRequestsStopDmsAt) {
    // Too many refusals lately (closed DMs, say): DMs wait, far from the point where Discord bans the IP.
    deps.log.warn({ deliveryId: row.id }, 'Discord DMs held back: too many invalid requests in the last 10 minutes');
    await deps.db.update(deliveries).set({ startedAt: null }).where(eq(deliveries.id, row.id));
    return { retryInMs: 60_000 };
  }
  await whenPaced(deps.pacer, bucketsFor(row.platform, target));
  let result;
  try {
    result = await gateway.send(target, reply);
  } catch (error) {
    // Definitely not sent (the platform said so): the claim is released for the queue's retry.
    await deps.db.update(deliveries).set({ startedAt: null }).where(eq(deliveries.id, row.id));
    throw error;
  }
  const now = deps.clock.now();
  if (result.invalidRequest) await deps.pacer.note(DISCORD_INVALID_REQUESTS, invalidRequestsWindowMs);
  if ('sent' in result) {
    await settle(deps.db, row.id, { status: 'sent', sentAt: now, platformMessageId: result.sent });
    return 'sent';
  }
  if ('ambiguous' in result) {
    deps.log.warn({ deliveryId: row.id, reason: result.ambiguous }, 'delivery outcome unknown; not sending it again');
    await settle(deps.db, row.id, { status: 'sent', sentAt: now, unconfirmed: true, lastError: result.ambiguous });
    return 'unconfirmed';
  }
  if ('permanent' in result) {
    await deps.db.transaction(async (tx) => {
      await tx.insert(unreachableTargets).values({ platform: row.platform, targetId: row.targetId, reason: result.permanent, since: now }).onConflictDoNothing();
      await settle(tx, row.id, { status: 'failed', lastError: result.permanent });
    });
    return 'failed';
  }
  // The platform asked to wait: nothing was sent; every sender of this platform holds back.
  await deps.pacer.pause(bucketsFor(row.platform, target)[0]!.key, result.retryAfterMs);
  await deps.db.update(deliveries).set({ startedAt: null }).where(eq(deliveries.id, row.id));
  return { retryInMs: result.retryAfterMs };
}

async function claim(deps: Deps, tx: Queryable, deliveryId: string): Promise<Row | 'done' | 'busy' | 'skipped' | 'unconfirmed'> {
  const now = deps.clock.now();
  const [row] = await tx.select().from(deliveries).where(eq(deliveries.id, deliveryId)).for('update', { skipLocked: true });
  if (!row) return 'busy';
  if (row.status !== 'pending') return 'done';
  if (row.startedAt) {
    if (now.getTime() - row.startedAt.getTime() < STALE_SEND_MS) return 'busy';
    deps.log.warn({ deliveryId }, 'a send died mid-call; recorded as unconfirmed, not sent again');
    await settle(tx, row.id, { status: 'sent', sentAt: row.startedAt, unconfirmed: true, lastError: 'worker stopped mid-send' });
    return 'unconfirmed';
  }
  const [unreachable] = await tx.select({ reason: unreachableTargets.reason }).from(unreachableTargets).where(and(eq(unreachableTargets.platform, row.platform), eq(unreachableTargets.targetId, row.targetId)));
  if (unreachable) {
    await settle(tx, row.id, { status: 'skipped', lastError: `unreachable: ${unreachable.reason}` });
    return 'skipped';
  }
  const kind = PREFERENCE_OF[row.kind];
  if (kind && row.memberId && row.targetKind === 'dm' && (row.platform === 'discord' || row.platform === 'telegram') && !(await wantsMessage(tx, { communityId: row.communityId, memberId: row.memberId, kind, platform: row.platform }))) {
    await settle(tx, row.id, { status: 'skipped', lastError: 'turned off by the member' });
    return 'skipped';
  }
  await tx.update(deliveries).set({ startedAt: now, attempts: sql`${deliveries.attempts} + 1` }).where(eq(deliveries.id, row.id));
  return row;
}

function settle(db: Queryable, id: string, values: Partial<Pick<Row, 'status' | 'sentAt' | 'platformMessageId' | 'unconfirmed' | 'lastError'>>) {
  return db.update(deliveries).set(values).where(eq(deliveries.id, id));
}

function bucketsFor(platform: Row['platform'], target: DeliveryTarget): Bucket[] {
  if (platform === 'telegram') return telegramBuckets(target.id, target.kind === 'dm' ? 'private' : 'group');
  return discordBuckets(target.kind === 'dm' ? 'dm' : 'channel');
}
