import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { deliveries, unreachableTargets } from '../db/schema/index.ts';
import type { NotificationKind } from './notification-kinds.ts';
import { wantsMessage } from './preferences.ts';
import type { CoreDeps } from '../deps.ts';
import type { Reply } from '../reply.ts';
import type { DeliveryGateway, DeliveryTarget, SendExtras } from './delivery-gateway.ts';
import { type Bucket, type Pacer, pacedWithin, whenPaced } from './pacer.ts';
import { DISCORD_INVALID_REQUESTS, discordBuckets, platformLimits, telegramBuckets } from './platform-limits.ts';

/** Which member preference a kind of message answers to; `direct` (receipts, access) always goes. */
const PREFERENCE_OF: Partial<Record<DeliveryRow['kind'], NotificationKind>> = { announcement: 'announcements', lesson: 'drip', digest: 'digests', reminder: 'reminders', summary: 'summary' };

/** A claim older than this belongs to a worker that died mid-call: its send is recorded as unconfirmed, not repeated. */
export const STALE_SEND_MS = 2 * 60_000;

/** Platform calls in flight per process and platform; more wait their turn in the queue, STEP_ASIDE_MS later. */
const MAX_IN_FLIGHT = 6;
const STEP_ASIDE_MS = 100;
const inFlight = new Map<string, number>();

/** A send waits at most this long for its pacer slot in place; longer, its job steps aside until then. */
const MAX_INLINE_WAIT_MS = 250;

/** A pacer slot older than this when the call is made is taken again, so sends never bunch up behind a slow claim. */
const STALE_SLOT_MS = 150;

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'log' | 'pacer' | 'delivery'>;
export type DeliveryRow = typeof deliveries.$inferSelect;

/**
 * What a row's message is right now: the reply to send (with how: a paid Telegram broadcast, a
 * published Discord post), `hold` (its announcement is paused: the row waits untouched), or `skip` (canceled).
 */
export type DeliveryPlan = SendPlan | { hold: true } | { skip: string };
type SendPlan = { reply: Reply; extras?: SendExtras };

/** `invalidRequests`: held because Discord refused too many requests lately (not a 429 of this send). */
export type DeliveryOutcome = 'sent' | 'unconfirmed' | 'failed' | 'skipped' | 'held' | 'busy' | 'done' | { retryInMs: number; invalidRequests?: true };

export type SendOptions = {
  /** The job run sending: the same run found holding the claim again is a worker that died mid-call. */
  claimToken?: string;
  /**
   * What the row sends. Asked again once the row is claimed, with the first answer: it need only
   * say whether that still holds (a pause or cancel since), not render the message again.
   */
  plan?: (row: DeliveryRow, planned?: SendPlan) => Promise<DeliveryPlan>;
};

const storedPayload = async (row: DeliveryRow): Promise<DeliveryPlan> => (row.payload ? { reply: row.payload } : { skip: 'nothing to send' });

/**
 * Sends one row of the delivery ledger, at most once. Rows that will not go (an unreachable
 * recipient, a kind the member turned off) are settled before any pacing; then a slot is taken
 * from the shared pacer, the row is claimed (`started_at`) in its own transaction, the platform
 * is called, and the outcome confirmed. A claim found stale, or found again by the very job run
 * that made it, is a worker that died between call and confirm: recorded as sent-unconfirmed and
 * never sent again. A recipient the platform refused for good is marked unreachable; a 429
 * closes the bucket for its retry_after.
 */
export async function sendDelivery(deps: Deps, deliveryId: string, options: SendOptions = {}): Promise<DeliveryOutcome> {
  const plan = options.plan ?? storedPayload;
  const [row] = await deps.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
  if (!row) return 'done';
  if (row.status !== 'pending') return 'done';
  if (!row.startedAt) {
    const skipped = await skipReason(deps.db, row);
    if (skipped) return (await settlePending(deps.db, row.id, { status: 'skipped', lastError: skipped })) ? 'skipped' : 'done';
  }
  const first = await plan(row);
  if ('hold' in first) return 'held';
  if ('skip' in first) return (await settlePending(deps.db, row.id, { status: 'skipped', lastError: first.skip })) ? 'skipped' : 'done';
  const gateway = row.platform === 'telegram' ? deps.delivery?.telegram : row.platform === 'discord' ? deps.delivery?.discord : deps.delivery?.console;
  if (!gateway || !deps.pacer) return (await settlePending(deps.db, row.id, { status: 'skipped', lastError: 'platform not connected' })) ? 'skipped' : 'done';
  const target: DeliveryTarget = { kind: row.targetKind, id: row.targetId };
  const { invalidRequestsWindowMs, invalidRequestsStopDmsAt } = platformLimits.discord;
  if (row.platform === 'discord' && target.kind === 'dm' && (await deps.pacer.count(DISCORD_INVALID_REQUESTS, invalidRequestsWindowMs)) >= invalidRequestsStopDmsAt) {
    // Too many refusals lately (closed DMs, say): DMs wait, far from the point where Discord bans the IP.
    deps.log.warn({ deliveryId: row.id }, 'Discord DMs held back: too many invalid requests in the last 10 minutes');
    return { retryInMs: 60_000, invalidRequests: true };
  }
  // One process keeps few calls per platform in flight: a slow platform (Discord opening DM
  // channels one at a time) must not hold every worker slot while another waits.
  const busy = inFlight.get(row.platform) ?? 0;
  if (busy >= MAX_IN_FLIGHT) return { retryInMs: STEP_ASIDE_MS };
  inFlight.set(row.platform, busy + 1);
  try {
    return await paceClaimAndSend({ ...deps, pacer: deps.pacer }, row, gateway, target, first, options);
  } finally {
    inFlight.set(row.platform, (inFlight.get(row.platform) ?? 1) - 1);
  }
}

async function paceClaimAndSend(deps: Deps & { pacer: Pacer }, row: DeliveryRow, gateway: DeliveryGateway, target: DeliveryTarget, first: SendPlan, options: SendOptions): Promise<DeliveryOutcome> {
  const plan = options.plan ?? storedPayload;
  const buckets = bucketsFor(row.platform, target, first.extras?.paidBroadcast === true, gateway.dmsPerMinute);
  // A long wait (a DM budget of a few a minute, a 429's pause) is waited in the queue, not in a worker slot.
  const paced = await pacedWithin(deps.pacer, buckets, MAX_INLINE_WAIT_MS);
  if ('retryInMs' in paced) return { retryInMs: paced.retryInMs };
  const pacedAt = performance.now();

  const claimed = await deps.db.transaction((tx) => claim(deps, tx, row.id, options.claimToken));
  if (typeof claimed === 'string') return claimed;
  // A slot is good for the moment it was taken: one that went stale while claiming (a loaded machine) is taken again.
  if (performance.now() - pacedAt > STALE_SLOT_MS) await whenPaced(deps.pacer, buckets);
  // Paused or canceled while this send waited for its slot: nothing goes out.
  const current = await plan(claimed, first);
  if (!('reply' in current)) {
    await deps.db.update(deliveries).set({ startedAt: null, claimToken: null }).where(eq(deliveries.id, row.id));
    if ('hold' in current) return 'held';
    return (await settlePending(deps.db, row.id, { status: 'skipped', lastError: current.skip })) ? 'skipped' : 'done';
  }
  let result;
  try {
    result = await gateway.send(target, current.reply, current.extras);
  } catch (error) {
    // Definitely not sent (the platform said so): the claim is released for the queue's retry.
    await deps.db.update(deliveries).set({ startedAt: null, claimToken: null }).where(eq(deliveries.id, row.id));
    throw error;
  }
  const now = deps.clock.now();
  if (result.invalidRequest) await deps.pacer.note(DISCORD_INVALID_REQUESTS, platformLimits.discord.invalidRequestsWindowMs);
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
  await deps.pacer.pause(buckets[0]!.key, result.retryAfterMs);
  await deps.db.update(deliveries).set({ startedAt: null, claimToken: null }).where(eq(deliveries.id, row.id));
  return { retryInMs: result.retryAfterMs };
}

/** Why a row will not be sent at all, known without any platform call: an unreachable recipient, or a kind the member turned off. */
async function skipReason(db: Queryable, row: DeliveryRow): Promise<string | undefined> {
  const [unreachable] = await db.select({ reason: unreachableTargets.reason }).from(unreachableTargets).where(and(eq(unreachableTargets.platform, row.platform), eq(unreachableTargets.targetId, row.targetId)));
  if (unreachable) return `unreachable: ${unreachable.reason}`;
  const kind = PREFERENCE_OF[row.kind];
  if (kind && row.memberId && row.targetKind === 'dm' && !(await wantsMessage(db, { communityId: row.communityId, memberId: row.memberId, kind, platform: row.platform }))) return 'turned off by the member';
  return undefined;
}

async function claim(deps: Deps, tx: Queryable, deliveryId: string, claimToken: string | undefined): Promise<DeliveryRow | 'done' | 'busy' | 'unconfirmed'> {
  const now = deps.clock.now();
  const [row] = await tx.select().from(deliveries).where(eq(deliveries.id, deliveryId)).for('update', { skipLocked: true });
  if (!row) return 'busy';
  if (row.status !== 'pending') return 'done';
  if (row.startedAt) {
    const ownClaim = claimToken !== undefined && row.claimToken === claimToken;
    if (!ownClaim && now.getTime() - row.startedAt.getTime() < STALE_SEND_MS) return 'busy';
    deps.log.warn({ deliveryId }, 'a send died mid-call; recorded as unconfirmed, not sent again');
    await settle(tx, row.id, { status: 'sent', sentAt: row.startedAt, unconfirmed: true, lastError: 'worker stopped mid-send' });
    return 'unconfirmed';
  }
  await tx.update(deliveries).set({ startedAt: now, claimToken: claimToken ?? null, attempts: sql`${deliveries.attempts} + 1` }).where(eq(deliveries.id, row.id));
  return row;
}

function settle(db: Queryable, id: string, values: Partial<Pick<DeliveryRow, 'status' | 'sentAt' | 'platformMessageId' | 'unconfirmed' | 'lastError'>>) {
  return db.update(deliveries).set(values).where(eq(deliveries.id, id));
}

/** Settles a row no send has claimed; false when another worker got there first. */
async function settlePending(db: Queryable, id: string, values: Pick<DeliveryRow, 'status' | 'lastError'>): Promise<boolean> {
  const rows = await db
    .update(deliveries)
    .set(values)
    .where(and(eq(deliveries.id, id), eq(deliveries.status, 'pending'), sql`${deliveries.startedAt} is null`))
    .returning({ id: deliveries.id });
  return rows.length > 0;
}

export function bucketsFor(platform: DeliveryRow['platform'], target: DeliveryTarget, paidBroadcast: boolean, dmsPerMinute?: number): Bucket[] {
  if (platform === 'telegram') return telegramBuckets(target.id, target.kind === 'dm' ? 'private' : 'group', paidBroadcast);
  if (platform === 'discord') return discordBuckets(target.kind === 'dm' ? 'dm' : 'channel', dmsPerMinute);
  return [{ key: `${platform}:global`, limit: 1_000, windowMs: 1_000 }];
}
