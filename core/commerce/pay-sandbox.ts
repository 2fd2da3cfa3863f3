import { and, eq } from 'drizzle-orm';
import { orders, products } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { recordPaymentEvent } from './payment-events.ts';

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
  const { id, amount, currency, communityId } = order.order;
  const now = deps.clock.now();
  const facts: object[] = [{ kind: 'charge', ref: `sbx_${id}`, paymentRef: `sbx_${id}`, amount, currency, occurredAt: now.toISOString() }];
  // A sandbox subscription runs one period and is never renewed: the lifecycle then ends it.
  if (order.interval) {
    const periodEnd = addInterval(now, order.interval).toISOString();
    facts.push({ kind: 'subscription', ref: `sbx_sub_${id}`, status: 'active', currentPeriodEnd: periodEnd, cancelAtPeriodEnd: true, canceledAt: null });
  }
  await recordPaymentEvent(deps, {
    provider: 'sandbox',
    providerEventId: `sbx_${id}_paid`,
    type: 'sandbox.paid',
    objectId: id,
    communityId,
    orderId: id,
    payload: { facts },
  });
  return ok({ body: t(actor.locale, 'buy.sandboxPaid'), ephemeral: true });
}

/** One billing period after `from`, on the calendar (a month is a month, not 30 days). */
export function addInterval(from: Date, interval: 'week' | 'month' | 'year'): Date {
  const next = new Date(from);
  if (interval === 'week') next.setUTCDate(next.getUTCDate() + 7);
  else if (interval === 'month') next.setUTCMonth(next.getUTCMonth() + 1);
  else next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next;
}
