import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { memberships, orders, platformIdentities, products } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { type Locale, t, toLocale } from '../i18n/index.ts';
import type { Caller } from '../members/actor.ts';
import type { PaymentFact } from './payment-facts.ts';
import { recordPaymentEvent } from './payment-events.ts';

/** A pre_checkout_query, as the Telegram adapter reads it. */
export const preCheckoutInput = z.object({ payload: z.string().max(128), currency: z.string().max(8), totalAmount: z.number().int() });

/** A successful_payment service message. */
export const starsPaymentInput = z.object({
  currency: z.string().max(8),
  totalAmount: z.number().int().positive(),
  payload: z.string().max(128),
  chargeId: z.string().min(1).max(255),
  subscriptionExpiresAt: z.number().int().positive().optional(),
});

type Verdict = { ok: true } | { ok: false; message: string };

/**
 * Answers Telegram's pre-checkout question within its 10 seconds, with cheap reads only: the
 * order is this member's, still pending and unexpired, the product is on sale at the price the
 * invoice shows, and the member is not banned. A "no" carries a reason the member sees.
 */
export async function checkStarsPreCheckout(deps: Pick<CoreDeps, 'db' | 'clock'>, caller: Caller, input: z.infer<typeof preCheckoutInput>): Promise<Verdict> {
  const locale: Locale = toLocale(caller.locale) ?? 'en';
  const no = (key: 'stars.declined.order' | 'stars.declined.archived' | 'stars.declined.price' | 'stars.declined.banned') => ({ ok: false as const, message: t(locale, key) });
  const found = await findStarsOrder(deps, caller, input.payload);
  if (!found) return no('stars.declined.order');
  const { order, productActive, starsPrice, membership } = found;
  if (order.status !== 'pending' || (order.expiresAt && order.expiresAt < deps.clock.now())) return no('stars.declined.order');
  if (membership !== 'active') return no('stars.declined.banned');
  if (!productActive) return no('stars.declined.archived');
  // The invoice must be what the order says, and the product still at the price it was opened at (before a coupon).
  if (input.currency !== 'XTR' || input.totalAmount !== order.amount || starsPrice !== (order.listAmount ?? order.amount)) return no('stars.declined.price');
  return { ok: true };
}

/**
 * Credits a Stars payment: stored as a payment event keyed by its telegram_payment_charge_id
 * (Telegram's own unique id, also what a refund needs), then applied by the payments worker.
 * A subscription's first payment and each renewal carry the new expiry. A payment whose
 * payload names no order of this member is still stored (the money is real) and reported.
 */
export async function recordStarsPayment(
  deps: Pick<CoreDeps, 'db' | 'queue' | 'clock'>,
  caller: Caller,
  payment: z.infer<typeof starsPaymentInput>,
): Promise<{ orderId: string | undefined; stored: boolean }> {
  const found = await findStarsOrder(deps, caller, payment.payload);
  const occurredAt = deps.clock.now();
  const facts: PaymentFact[] = [
    { kind: 'charge', ref: payment.chargeId, paymentRef: payment.chargeId, amount: payment.totalAmount, currency: payment.currency, occurredAt },
  ];
  if (found && payment.subscriptionExpiresAt) {
    facts.push({ kind: 'subscription', ref: `stars-${found.order.id}`, status: 'active', currentPeriodEnd: new Date(payment.subscriptionExpiresAt * 1000), cancelAtPeriodEnd: false, canceledAt: null });
  }
  const { stored } = await recordPaymentEvent(deps, {
    provider: 'telegram_stars',
    providerEventId: payment.chargeId,
    type: payment.subscriptionExpiresAt ? 'stars.subscription_payment' : 'stars.payment',
    objectId: payment.payload,
    communityId: found?.order.communityId,
    orderId: found?.order.id,
    payload: { facts, telegramUserId: caller.userId },
  });
  return { orderId: found?.order.id, stored };
}

/** The caller's own Stars order named by an invoice payload (the order id). */
async function findStarsOrder(deps: Pick<CoreDeps, 'db'>, caller: Caller, payload: string) {
  if (!z.uuid().safeParse(payload).success) return undefined;
  const [row] = await deps.db
    .select({ order: orders, productActive: products.active, starsPrice: products.starsPrice, membership: memberships.status })
    .from(orders)
    .innerJoin(products, eq(products.id, orders.productId))
    .innerJoin(platformIdentities, and(eq(platformIdentities.memberId, orders.memberId), eq(platformIdentities.platform, 'telegram')))
    .leftJoin(memberships, and(eq(memberships.memberId, orders.memberId), eq(memberships.communityId, orders.communityId)))
    .where(and(eq(orders.id, payload), eq(orders.provider, 'telegram_stars'), eq(platformIdentities.platformUserId, caller.userId)));
  return row;
}
