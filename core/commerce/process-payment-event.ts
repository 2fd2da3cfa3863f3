import { and, eq, or } from 'drizzle-orm';
import { enqueueGrants } from './project-access.ts';
import type { Queryable } from '../db/client.ts';
import { ledgerEntries, orders, paymentEvents, subscriptions } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { ok, type Result } from '../result.ts';
import { applyPaymentFacts, type LockedOrder, withOrderLock } from './apply-payment-facts.ts';
import { storedFactsSchema, type PaymentFact } from './payment-facts.ts';
import type { StripeEventRefs } from './providers.ts';

export type ProcessDeps = Pick<CoreDeps, 'db' | 'clock' | 'payments' | 'queue' | 'log'>;

export type ProcessOutcome =
  | { outcome: 'applied'; orderId: string; status: LockedOrder['status']; newEntries: number }
  | { outcome: 'unmatched' | 'ignored' | 'already_processed' };

/**
 * Applies one stored payment event. Stripe events are only a trigger: the order's checkout is
 * re-read from Stripe under the order's lock and everything it says is applied, so duplicates,
 * copies of one change under two event types and any arrival order end in one state. Sandbox
 * and Stars events carry their facts. An event that names no order Lyceum knows is kept,
 * marked `unmatched` and logged for the operator, never dropped.
 */
export async function processPaymentEvent(
  deps: ProcessDeps,
  paymentEventId: string,
): Promise<Result<ProcessOutcome, DomainError>> {
  const [event] = await deps.db.select().from(paymentEvents).where(eq(paymentEvents.id, paymentEventId));
  if (!event) return ok({ outcome: 'ignored' });
  if (event.processedAt) return ok({ outcome: 'already_processed' });
  const refs: StripeEventRefs = event.provider === 'stripe' ? await stripeRefs(deps, event.payload) : { handled: true, orderId: event.orderId ?? undefined };
  if (!refs.handled) {
    await markProcessed(deps.db, event.id, { outcome: 'ignored', orderId: null });
    return ok({ outcome: 'ignored' });
  }
  const orderId = await findOrderId(deps.db, event.provider, refs);
  if (!orderId) {
    await markProcessed(deps.db, event.id, { outcome: 'unmatched', orderId: null });
    deps.log.warn({ paymentEventId, provider: event.provider, type: event.type }, 'payment event matches no order; kept as unmatched');
    return ok({ outcome: 'unmatched' });
  }

  const applied = await withOrderLock(deps.db, orderId, async (tx, order) => {
    const facts = await readFacts(deps, event, order);
    const result = await applyPaymentFacts(tx, order, event.provider, facts, deps.clock.now());
    await markProcessed(tx, event.id, { outcome: 'applied', orderId: order.id, communityId: order.communityId });
    return result;
  });
  if (!applied) return ok({ outcome: 'unmatched' });
  await enqueueGrants(deps.queue, applied.changedGrants.map((grant) => grant.grantId));
  if (applied.enteredGrace) await deps.queue.enqueue('access.notify-grace', { entitlementId: applied.enteredGrace });
  return ok({ outcome: 'applied', orderId, status: applied.status, newEntries: applied.newEntries });
}

function stripeRefs(deps: ProcessDeps, payload: unknown): Promise<StripeEventRefs> {
  if (!deps.payments.stripe) throw new Error('a Stripe event arrived but STRIPE_SECRET_KEY is not configured');
  return deps.payments.stripe.describeEvent(payload);
}

async function readFacts(deps: ProcessDeps, event: typeof paymentEvents.$inferSelect, order: LockedOrder): Promise<PaymentFact[]> {
  if (event.provider !== 'stripe') return storedFactsSchema.parse(event.payload).facts;
  if (!deps.payments.stripe) throw new Error('a Stripe event arrived but STRIPE_SECRET_KEY is not configured');
  if (!order.providerCheckoutId) return [];
  return (await deps.payments.stripe.readCheckout(order.providerCheckoutId)).facts;
}

/** The order an event is about: by id (checked to exist), else by the payment it names. */
async function findOrderId(db: Queryable, provider: LockedOrder['provider'], refs: StripeEventRefs): Promise<string | undefined> {
  if (refs.orderId && /^[0-9a-f-]{36}$/i.test(refs.orderId)) {
    const [row] = await db.select({ id: orders.id }).from(orders).where(and(eq(orders.id, refs.orderId), eq(orders.provider, provider)));
    if (row) return row.id;
  }
  if (refs.subscriptionRef) {
    const [bySubscription] = await db
      .select({ id: subscriptions.orderId })
      .from(subscriptions)
      .where(and(eq(subscriptions.provider, provider), eq(subscriptions.providerSubscriptionId, refs.subscriptionRef)));
    if (bySubscription) return bySubscription.id;
  }
  if (!refs.paymentRef) return undefined;
  const [byOrder] = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.provider, provider), eq(orders.providerPaymentId, refs.paymentRef)));
  if (byOrder) return byOrder.id;
  const [byEntry] = await db
    .select({ id: ledgerEntries.orderId })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.provider, provider), or(eq(ledgerEntries.paymentRef, refs.paymentRef), eq(ledgerEntries.providerRef, refs.paymentRef))))
    .limit(1);
  return byEntry?.id;
}

async function markProcessed(
  db: Queryable,
  id: string,
  values: { outcome: 'applied' | 'unmatched' | 'ignored'; orderId: string | null; communityId?: string },
) {
  await db
    .update(paymentEvents)
    .set({ processedAt: new Date(), outcome: values.outcome, orderId: values.orderId, ...(values.communityId ? { communityId: values.communityId } : {}), error: null })
    .where(eq(paymentEvents.id, id));
}
