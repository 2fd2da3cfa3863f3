import { and, eq, gt, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { entitlements, ledgerEntries, orders, subscriptions, trials } from '../db/schema/index.ts';
import { type ChangedGrant, projectMemberAccess } from '../commerce/project-access.ts';
import type { PaymentProvider } from '../commerce/payment-facts.ts';

const DAY_MS = 86_400_000;

type TrialClaim = { communityId: string; memberId: string; productId: string; days: number; provider: PaymentProvider };

/** A member who subscribed before (and cancelled, or still pays) gets no trial: trials are for newcomers. */
async function subscribedBefore(tx: Queryable, claim: TrialClaim, exceptOrderId?: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.communityId, claim.communityId), eq(subscriptions.memberId, claim.memberId), exceptOrderId ? ne(subscriptions.orderId, exceptOrderId) : undefined))
    .limit(1);
  return Boolean(row);
}

/**
 * Offers the member's one trial on a Stripe checkout: the free days to ask Stripe for, or 0. The
 * claim is one row per member and community, so two checkouts opened at once cannot both carry
 * a trial; an offer whose checkout was abandoned moves to the new one. Call it inside the
 * transaction that opens the order.
 */
export async function claimCheckoutTrial(tx: Queryable, claim: TrialClaim, orderId: string, now: Date): Promise<number> {
  if (claim.days <= 0 || (await subscribedBefore(tx, claim, orderId))) return 0;
  const [created] = await tx.insert(trials).values({ ...claim, orderId }).onConflictDoNothing().returning({ id: trials.id });
  if (created) return claim.days;
  const gone = tx
    .select({ id: orders.id })
    .from(orders)
    .where(or(inArray(orders.status, ['expired', 'canceled', 'failed']), and(eq(orders.status, 'pending'), lt(orders.expiresAt, now))));
  const [moved] = await tx
    .update(trials)
    .set({ orderId, productId: claim.productId, days: claim.days, provider: claim.provider })
    .where(and(eq(trials.communityId, claim.communityId), eq(trials.memberId, claim.memberId), eq(trials.status, 'offered'), or(isNull(trials.orderId), eq(trials.orderId, orderId), inArray(trials.orderId, gone))))
    .returning({ id: trials.id });
  return moved ? claim.days : 0;
}

/**
 * Starts a trial where the provider has none (Telegram Stars, the sandbox): an entitlement of
 * its own for the free days; the lifecycle sends the invoice that continues it before it ends.
 * Undefined when the member already had their trial.
 */
export async function startGrantedTrial(tx: Queryable, claim: TrialClaim, now: Date): Promise<{ endsAt: Date; changedGrants: ChangedGrant[] } | undefined> {
  if (claim.days <= 0 || (await subscribedBefore(tx, claim))) return undefined;
  const endsAt = new Date(now.getTime() + claim.days * DAY_MS);
  const [trial] = await tx.insert(trials).values({ ...claim, status: 'active', startsAt: now, endsAt }).onConflictDoNothing().returning({ id: trials.id });
  if (!trial) return undefined;
  const [entitlement] = await tx
    .insert(entitlements)
    .values({ communityId: claim.communityId, memberId: claim.memberId, productId: claim.productId, source: 'trial', startsAt: now, endsAt, details: { trialId: trial.id } })
    .returning({ id: entitlements.id });
  await tx.update(trials).set({ entitlementId: entitlement!.id }).where(eq(trials.id, trial.id));
  return { endsAt, changedGrants: await projectMemberAccess(tx, claim.communityId, claim.memberId) };
}

/**
 * Keeps the trial of an order in step with its payments (inside applyPaymentFacts): a Stripe
 * subscription trialing starts it, the first money converts it, a subscription ended without
 * money expires it. A Stars or sandbox trial converts when the invoice that continues it is paid.
 */
export async function followTrial(tx: Queryable, orderId: string, now: Date): Promise<void> {
  // An invoice paid a little after the free days ran out still converts the trial.
  const [trial] = await tx.select().from(trials).where(and(eq(trials.orderId, orderId), inArray(trials.status, ['offered', 'active', 'expired'])));
  if (!trial) return;
  const [paid] = await tx.select({ id: ledgerEntries.id }).from(ledgerEntries).where(and(eq(ledgerEntries.orderId, orderId), eq(ledgerEntries.kind, 'charge'), gt(ledgerEntries.amount, 0))).limit(1);
  if (paid) {
    await tx.update(trials).set({ status: 'converted' }).where(eq(trials.id, trial.id));
    return;
  }
  const [subscription] = await tx.select().from(subscriptions).where(eq(subscriptions.orderId, orderId));
  if (!subscription || trial.status === 'expired') return;
  if (subscription.status === 'trialing') {
    await tx
      .update(trials)
      .set({ status: 'active', startsAt: sql`coalesce(${trials.startsAt}, ${now.toISOString()}::timestamptz)`, endsAt: subscription.currentPeriodEnd })
      .where(eq(trials.id, trial.id));
  } else if (subscription.status === 'canceled' || subscription.status === 'expired') {
    await tx.update(trials).set({ status: 'expired', endsAt: subscription.canceledAt ?? subscription.currentPeriodEnd ?? now }).where(eq(trials.id, trial.id));
  }
}

/** A granted trial whose entitlement ended unpaid (the lifecycle ended it). */
export async function expireGrantedTrial(tx: Queryable, entitlementId: string): Promise<void> {
  await tx.update(trials).set({ status: 'expired' }).where(and(eq(trials.entitlementId, entitlementId), eq(trials.status, 'active')));
}
