import { and, eq, inArray } from 'drizzle-orm';
import { enqueueGrants } from './project-access.ts';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { Queryable } from '../db/client.ts';
import { ledgerEntries, orders, platformIdentities, subscriptions } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { applyPaymentFacts, withOrderLock } from './apply-payment-facts.ts';
import { recordPaymentEvent } from './payment-events.ts';
import { byIdPrefix, shortId } from '../short-ids.ts';

export const refundOrderInput = z.object({
  order: z.string().trim().regex(/^#?[0-9a-f-]{8,36}$/i, 'an order number like 1a2b3c4d'),
  reason: z.string().trim().min(3).max(500),
});

const REFUNDABLE = ['paid', 'partially_refunded'] as const;

/**
 * `/refund <order> <reason>` for creators: audited, then queued. The command changes nothing
 * in the ledger: the refund job asks the provider, and only its confirmation writes the
 * refund and revokes what the order granted.
 */
export async function requestRefund(
  deps: Pick<CoreDeps, 'db' | 'queue'>,
  actor: Actor,
  input: z.infer<typeof refundOrderInput>,
): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'commerce.sales')) return err({ code: 'forbidden', permission: 'commerce.sales' });
  const matches = await deps.db
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .where(and(eq(orders.communityId, actor.communityId), byIdPrefix(orders.id, input.order)))
    .limit(2);
  const [order] = matches;
  if (!order || matches.length > 1) return err({ code: 'order_not_found' });
  if (!(REFUNDABLE as readonly string[]).includes(order.status)) return err({ code: 'order_not_refundable' });
  await recordAudit(deps.db, {
    communityId: actor.communityId,
    actorMemberId: actor.memberId, platform: actor.platform,
    action: 'order.refund_requested',
    targetKind: 'order',
    targetId: order.id,
    details: { reason: input.reason },
  });
  await deps.queue.enqueue('payments.refund-order', { orderId: order.id, reason: input.reason, requestedBy: actor.memberId });
  return ok({ body: t(actor.locale, 'refund.requested', { order: shortId(order.id) }), ephemeral: true });
}

/**
 * The refund job: asks the order's provider for a full refund of what is left and applies its
 * answer. Idempotent: Stripe refunds carry the order id as idempotency key, a Stars charge can
 * be refunded once, and the ledger keeps each refund once.
 */
export async function refundOrder(
  deps: Pick<CoreDeps, 'db' | 'queue' | 'clock' | 'payments' | 'log'>,
  input: { orderId: string; reason: string },
): Promise<Result<{ refunded: boolean }, DomainError>> {
  const [order] = await deps.db.select().from(orders).where(eq(orders.id, input.orderId));
  if (!order) return err({ code: 'order_not_found' });
  if (!(REFUNDABLE as readonly string[]).includes(order.status)) return ok({ refunded: false });
  const charges = await chargesOf(deps.db, order.id);
  switch (order.provider) {
    case 'stripe': {
      if (!deps.payments.stripe) throw new Error('refund of a Stripe order without STRIPE_SECRET_KEY');
      const paymentRefs = [...new Set(charges.map((charge) => charge.paymentRef).filter((ref): ref is string => Boolean(ref)))];
      if (!paymentRefs.length || !order.providerCheckoutId) return err({ code: 'order_not_refundable' });
      const [subscription] = await deps.db.select({ ref: subscriptions.providerSubscriptionId, status: subscriptions.status }).from(subscriptions).where(eq(subscriptions.orderId, order.id));
      const live = subscription && subscription.status !== 'canceled' && subscription.status !== 'expired';
      const snapshot = await deps.payments.stripe.refund({ orderId: order.id, checkoutId: order.providerCheckoutId, paymentRefs, subscriptionRef: live ? subscription.ref : undefined });
      const applied = await withOrderLock(deps.db, order.id, (tx, locked) => applyPaymentFacts(tx, locked, 'stripe', snapshot.facts, deps.clock.now()));
      await enqueueGrants(deps.queue, (applied?.changedGrants ?? []).map((grant) => grant.grantId));
      return ok({ refunded: true });
    }
    case 'telegram_stars': {
      if (!deps.payments.stars) throw new Error('refund of a Stars order without TELEGRAM_BOT_TOKEN');
      const userId = await telegramUserId(deps.db, order.memberId);
      if (!userId) return err({ code: 'order_not_refundable' });
      const [subscription] = await deps.db.select().from(subscriptions).where(eq(subscriptions.orderId, order.id));
      // A refunded subscription must stop renewing at Telegram too, not only in our tables.
      if (subscription && !subscription.cancelAtPeriodEnd && subscription.status !== 'canceled' && subscription.status !== 'expired') {
        await deps.payments.stars.cancelSubscription(userId, order.providerPaymentId ?? charges[0]!.providerRef);
      }
      for (const charge of charges) {
        await deps.payments.stars.refund(userId, charge.providerRef);
        await recordRefund(deps, order, charge, `refund_${charge.providerRef}`, subscription?.providerSubscriptionId);
      }
      return ok({ refunded: true });
    }
    case 'sandbox':
      for (const charge of charges) await recordRefund(deps, order, charge, `sbx_refund_${charge.providerRef}`);
      return ok({ refunded: true });
  }
}

async function chargesOf(db: Queryable, orderId: string) {
  return db
    .select({ providerRef: ledgerEntries.providerRef, paymentRef: ledgerEntries.paymentRef, amount: ledgerEntries.amount, currency: ledgerEntries.currency })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.orderId, orderId), inArray(ledgerEntries.kind, ['charge'])));
}

/** The member's Telegram user id, which Stars refunds and cancellations are addressed to. */
export async function telegramUserId(db: Queryable, memberId: string) {
  const [row] = await db
    .select({ userId: platformIdentities.platformUserId })
    .from(platformIdentities)
    .where(and(eq(platformIdentities.memberId, memberId), eq(platformIdentities.platform, 'telegram')));
  return row?.userId;
}

/** A refund the provider confirmed synchronously, stored as its own payment event. */
async function recordRefund(
  deps: Pick<CoreDeps, 'db' | 'queue' | 'clock'>,
  order: typeof orders.$inferSelect,
  charge: { providerRef: string; amount: number; currency: string },
  ref: string,
  subscriptionRef?: string,
) {
  const occurredAt = deps.clock.now().toISOString();
  const facts: object[] = [{ kind: 'refund', ref, paymentRef: charge.providerRef, amount: charge.amount, currency: charge.currency, occurredAt }];
  if (subscriptionRef) facts.push({ kind: 'subscription', ref: subscriptionRef, status: 'canceled', currentPeriodEnd: null, cancelAtPeriodEnd: false, canceledAt: occurredAt });
  await recordPaymentEvent(deps, {
    provider: order.provider,
    providerEventId: ref,
    type: 'refund.confirmed',
    objectId: charge.providerRef,
    communityId: order.communityId,
    orderId: order.id,
    payload: { facts },
  });
}
