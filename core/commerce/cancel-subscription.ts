import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { entitlements, orders, products, subscriptions } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { applyPaymentFacts, withOrderLock } from './apply-payment-facts.ts';
import type { PaymentFact } from './payment-facts.ts';
import { enqueueGrants } from './project-access.ts';
import { telegramUserId } from './refund-order.ts';

export const cancelInput = z.object({ product: z.string().trim().min(1).max(100).optional() });

/**
 * `/cancel [product]`: the member's subscription stops renewing at the end of the period it is
 * in, and they keep access until then. The provider is told first (Stripe
 * cancel_at_period_end; Telegram Stars through editUserStarSubscription, or Telegram keeps
 * charging), and what it confirms is applied through the ledger like any other fact.
 */
export async function cancelSubscription(
  deps: Pick<CoreDeps, 'db' | 'queue' | 'clock' | 'payments'>,
  actor: Actor,
  input: z.infer<typeof cancelInput>,
): Promise<Result<Reply, DomainError>> {
  const rows = await deps.db
    .select({ subscription: subscriptions, order: orders, product: products })
    .from(entitlements)
    .innerJoin(subscriptions, eq(subscriptions.id, entitlements.subscriptionId))
    .innerJoin(orders, eq(orders.id, subscriptions.orderId))
    .innerJoin(products, eq(products.id, entitlements.productId))
    .where(
      and(
        eq(entitlements.communityId, actor.communityId),
        eq(entitlements.memberId, actor.memberId),
        inArray(entitlements.status, ['active', 'grace']),
        eq(subscriptions.cancelAtPeriodEnd, false),
      ),
    );
  const wanted = input.product?.toLowerCase();
  const matching = wanted ? rows.filter((row) => row.product.slug === wanted || row.product.name.toLowerCase() === wanted) : rows;
  const [target] = matching;
  if (!target || matching.length > 1) return err({ code: matching.length > 1 ? 'which_subscription' : 'nothing_to_cancel' });
  const { subscription, order, product } = target;

  let facts: PaymentFact[];
  if (order.provider === 'stripe') {
    if (!deps.payments.stripe || !order.providerCheckoutId) return err({ code: 'provider_unavailable' });
    facts = (await deps.payments.stripe.cancelAtPeriodEnd({ orderId: order.id, checkoutId: order.providerCheckoutId, subscriptionRef: subscription.providerSubscriptionId })).facts;
  } else {
    if (order.provider === 'telegram_stars') {
      if (!deps.payments.stars) return err({ code: 'provider_unavailable' });
      const userId = await telegramUserId(deps.db, actor.memberId);
      if (!userId || !order.providerPaymentId) return err({ code: 'provider_unavailable' });
      await deps.payments.stars.cancelSubscription(userId, order.providerPaymentId);
    }
    facts = [{ kind: 'subscription', ref: subscription.providerSubscriptionId, status: subscription.status, currentPeriodEnd: subscription.currentPeriodEnd, cancelAtPeriodEnd: true, canceledAt: null }];
  }
  const applied = await withOrderLock(deps.db, order.id, (tx, locked) => applyPaymentFacts(tx, locked, order.provider, facts, deps.clock.now()));
  await enqueueGrants(deps.queue, (applied?.changedGrants ?? []).map((grant) => grant.grantId));
  await recordAudit(deps.db, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'subscription.cancel', targetKind: 'order', targetId: order.id });
  const until = subscription.currentPeriodEnd?.toISOString().slice(0, 10) ?? '—';
  return ok({ body: t(actor.locale, 'cancel.done', { product: product.name, date: until }), ephemeral: true });
}
