import { and, eq } from 'drizzle-orm';
import { orders, products } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { type IncomingPaymentEvent, recordPaymentEvent } from './payment-events.ts';

/**
 * The sandbox provider's "Pay" button: the member's own pending sandbox order is paid at the
 * price it was opened with, through the same path as a real provider (a stored payment event,
 * the payments worker, the ledger). Refused when the sandbox is off (production).
 */
export async function paySandboxOrder(
  deps: Pick<CoreDeps, 'db' | 'queue' | 'clock' | 'payments'>,
  actor: Actor,
  input: { orderId: string },
): Promise<Result<Reply, DomainError>> {
  if (!deps.payments.sandbox) return err({ code: 'provider_unavailable' });
  const [order] = await deps.db
    .select({ order: orders, productActive: products.active, interval: products.interval })
    .from(orders)
    .innerJoin(products, eq(products.id, orders.productId))
    .where(and(eq(orders.id, input.orderId), eq(orders.communityId, actor.communityId), eq(orders.memberId, actor.memberId), eq(orders.provider, 'sandbox')));
  if (!order) return err({ code: 'order_not_found' });
  if (order.order.status !== 'pending' || !order.productActive) return err({ code: 'order_not_payable' });
  await recordPaymentEvent(deps, sandboxPaidEvent(order.order, deps.clock.now(), order.interval));
  return ok({ body: t(actor.locale, 'buy.sandboxPaid'), ephemeral: true });
}

/**
 * What the sandbox provider reports when an order is paid, as a real provider's webhook would: a
 * charge at the order's price and, for a subscription, one period that is never renewed (the
 * lifecycle then ends it).
 */
export function sandboxPaidEvent(order: { id: string; amount: number; currency: string; communityId: string }, now: Date, interval?: 'week' | 'month' | 'year' | null): IncomingPaymentEvent {
  const { id, amount, currency, communityId } = order;
  const facts: object[] = [{ kind: 'charge', ref: `sbx_${id}`, paymentRef: `sbx_${id}`, amount, currency, occurredAt: now.toISOString() }];
  if (interval) {
    facts.push({ kind: 'subscription', ref: `sbx_sub_${id}`, status: 'active', currentPeriodEnd: addInterval(now, interval).toISOString(), cancelAtPeriodEnd: true, canceledAt: null });
  }
  return { provider: 'sandbox', providerEventId: `sbx_${id}_paid`, type: 'sandbox.paid', objectId: id, communityId, orderId: id, payload: { facts } };
}

/** One billing period after `from`, on the calendar (a month is a month, not 30 days). */
export function addInterval(from: Date, interval: 'week' | 'month' | 'year'): Date {
  const next = new Date(from);
  if (interval === 'week') next.setUTCDate(next.getUTCDate() + 7);
  else if (interval === 'month') next.setUTCMonth(next.getUTCMonth() + 1);
  else next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next;
}
