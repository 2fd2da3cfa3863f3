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
    .select({ order: orders, productActive: products.active })
    .from(orders)
    .innerJoin(products, eq(products.id, orders.productId))
    .where(and(eq(orders.id, input.orderId), eq(orders.communityId, actor.communityId), eq(orders.memberId, actor.memberId), eq(orders.provider, 'sandbox')));
  if (!order) return err({ code: 'order_not_found' });
  if (order.order.status !== 'pending' || !order.productActive) return err({ code: 'order_not_payable' });
  const { id, amount, currency, communityId } = order.order;
  const facts = [{ kind: 'charge', ref: `sbx_${id}`, paymentRef: `sbx_${id}`, amount, currency, occurredAt: deps.clock.now().toISOString() }];
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
