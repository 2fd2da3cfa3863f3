import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { ledgerEntries, orders, subscriptions } from '../db/schema/index.ts';
import { type ChangedGrant, projectMemberAccess } from './project-access.ts';
import { canonicalOrder, type PaymentFact, type PaymentProvider } from './payment-facts.ts';
import { followTrial } from '../growth/trials.ts';
import { refreshEntitlement } from './refresh-entitlement.ts';

export type LockedOrder = typeof orders.$inferSelect;

/**
 * Runs `work` with the order's row locked, so every event about one order is applied one at a
 * time however many workers run; a Stripe read done inside `work` is therefore never older than
 * what another worker already wrote. Undefined when the order does not exist.
 */
export async function withOrderLock<T>(
  db: Queryable,
  orderId: string,
  work: (tx: Queryable, order: LockedOrder) => Promise<T>,
): Promise<T | undefined> {
  return db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    return order ? work(tx, order) : undefined;
  });
}

export type AppliedFacts = {
  /** Ledger rows this call wrote (0 when every fact was already known). */
  newEntries: number;
  status: LockedOrder['status'];
  /** Access grants whose desired state changed: the caller enqueues them after commit. */
  changedGrants: ChangedGrant[];
  /** The entitlement just went into grace (a renewal failed): the member should hear about it. */
  enteredGrace?: string | undefined;
};

/**
 * Writes what a provider reported about a locked order: ledger entries (each movement once,
 * keyed by its provider ref), the subscription snapshot, the order's derived status, its one
 * entitlement and the member's access grants. Applying the same facts again changes nothing.
 */
export async function applyPaymentFacts(
  tx: Queryable,
  order: LockedOrder,
  provider: PaymentProvider,
  facts: PaymentFact[],
  now: Date,
): Promise<AppliedFacts> {
  let newEntries = 0;
  let closed: Extract<PaymentFact, { kind: 'checkout_closed' }> | undefined;
  // The order's subscription, read once (after a snapshot fact has created it) for its entries.
  let subscriptionId: string | null | undefined;
  const entry = async (kind: EntryKind, ref: string, movement: Movement) => {
    if (subscriptionId === undefined) {
      subscriptionId = (await tx.select({ id: subscriptions.id }).from(subscriptions).where(eq(subscriptions.orderId, order.id)))[0]?.id ?? null;
    }
    return appendEntry(tx, order, provider, subscriptionId, kind, ref, movement);
  };
  for (const fact of canonicalOrder(facts)) {
    switch (fact.kind) {
      case 'charge':
        newEntries += await entry('charge', fact.ref, fact);
        await notePayment(tx, order, fact.paymentRef ?? fact.ref, fact.customerRef, fact.occurredAt);
        break;
      case 'refund':
        newEntries += await entry('refund', fact.ref, fact);
        break;
      case 'dispute':
        newEntries += await entry('dispute', fact.ref, fact);
        if (fact.status !== 'open') newEntries += await entry(fact.status === 'won' ? 'dispute_won' : 'dispute_lost', fact.ref, fact);
        break;
      case 'subscription':
        await upsertSubscription(tx, order, provider, fact);
        break;
      case 'checkout_closed':
        closed = fact;
        break;
    }
  }
  const status = await deriveOrderStatus(tx, order, closed, now);
  await followTrial(tx, order.id, now);
  const change = await refreshEntitlement(tx, order.id, now);
  const changedGrants = await projectMemberAccess(tx, order.communityId, order.memberId);
  const enteredGrace = change && change.to === 'grace' && change.from !== 'grace' ? change.entitlementId : undefined;
  return { newEntries, status, changedGrants, enteredGrace };
}

type Movement = { amount: number; currency: string; occurredAt: Date; paymentRef?: string | undefined };
type EntryKind = (typeof ledgerEntries.$inferInsert)['kind'];

async function appendEntry(
  tx: Queryable,
  order: LockedOrder,
  provider: PaymentProvider,
  subscriptionId: string | null,
  kind: EntryKind,
  ref: string,
  movement: Movement,
): Promise<number> {
  // A zero-amount invoice (a trial's first) moves no money and has no place in the ledger.
  if (movement.amount === 0 && kind === 'charge') return 0;
  const inserted = await tx
    .insert(ledgerEntries)
    .values({
      communityId: order.communityId,
      orderId: order.id,
      subscriptionId,
      provider,
      kind,
      amount: movement.amount,
      currency: movement.currency.toUpperCase(),
      providerRef: ref,
      paymentRef: movement.paymentRef ?? null,
      occurredAt: movement.occurredAt,
    })
    .onConflictDoNothing()
    .returning({ id: ledgerEntries.id });
  return inserted.length;
}

async function notePayment(tx: Queryable, order: LockedOrder, paymentRef: string, customerRef: string | undefined, at: Date) {
  await tx
    .update(orders)
    .set({
      providerPaymentId: sql`coalesce(${orders.providerPaymentId}, ${paymentRef})`,
      // Through the column's encoder: the customer id is stored sealed.
      providerCustomerId: sql`coalesce(${orders.providerCustomerId}, ${customerRef === undefined ? null : sql.param(customerRef, orders.providerCustomerId)})`,
      paidAt: sql`coalesce(${orders.paidAt}, ${at.toISOString()}::timestamptz)`,
    })
    .where(eq(orders.id, order.id));
}

async function upsertSubscription(
  tx: Queryable,
  order: LockedOrder,
  provider: PaymentProvider,
  fact: Extract<PaymentFact, { kind: 'subscription' }>,
) {
  const state = {
    status: fact.status,
    currentPeriodEnd: fact.currentPeriodEnd,
    cancelAtPeriodEnd: fact.cancelAtPeriodEnd,
    canceledAt: fact.canceledAt,
  };
  await tx
    .insert(subscriptions)
    .values({
      communityId: order.communityId,
      memberId: order.memberId,
      productId: order.productId,
      orderId: order.id,
      provider,
      providerSubscriptionId: fact.ref,
      ...state,
    })
    .onConflictDoUpdate({ target: [subscriptions.provider, subscriptions.providerSubscriptionId], set: state });
}

/** The order's status from its ledger: money in, money back, chargebacks; else how checkout ended. */
async function deriveOrderStatus(
  tx: Queryable,
  order: LockedOrder,
  closed: Extract<PaymentFact, { kind: 'checkout_closed' }> | undefined,
  now: Date,
): Promise<LockedOrder['status']> {
  const [sums] = await tx
    .select({
      charged: sql<number>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.kind} = 'charge'), 0)::int`,
      refunded: sql<number>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.kind} = 'refund'), 0)::int`,
      disputesOpen: sql<number>`(count(*) filter (where ${ledgerEntries.kind} = 'dispute')
        - count(*) filter (where ${ledgerEntries.kind} = 'dispute_won'))::int`,
    })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.orderId, order.id));
  const { charged = 0, refunded = 0, disputesOpen = 0 } = sums ?? {};
  let status: LockedOrder['status'];
  if (charged > 0) {
    if (disputesOpen > 0) status = 'disputed';
    else if (refunded >= charged) status = 'refunded';
    else if (refunded > 0) status = 'partially_refunded';
    else status = 'paid';
  } else if (order.status === 'pending' && (await hasSubscription(tx, order.id))) {
    // A subscription started without money yet (a trial): the checkout is done, not pending.
    status = 'paid';
  } else if (closed && order.status === 'pending') {
    status = closed.outcome;
  } else {
    status = order.status;
  }
  await tx
    .update(orders)
    .set({
      status,
      amountRefunded: refunded,
      refundedAt: status === 'refunded' ? sql`coalesce(${orders.refundedAt}, ${now.toISOString()}::timestamptz)` : null,
      ...(closed && status === closed.outcome ? { failureReason: closed.reason ?? closed.outcome } : {}),
    })
    .where(eq(orders.id, order.id));
  return status;
}

async function hasSubscription(tx: Queryable, orderId: string): Promise<boolean> {
  const [row] = await tx.select({ id: subscriptions.id }).from(subscriptions).where(eq(subscriptions.orderId, orderId));
  return Boolean(row);
}
