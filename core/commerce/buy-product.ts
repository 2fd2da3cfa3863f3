import { and, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { orders } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { formatMoney } from '../format.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { type Coupon, type CouponRefusal, couponApplies, describeDiscount, discountedPrice, findCoupon, lockCoupon, reserveRedemption } from '../growth/coupons.ts';
import { claimCheckoutTrial, startGrantedTrial } from '../growth/trials.ts';
import { findProduct, ownedProductIds, type Product } from './products.ts';
import type { PaymentProvider } from './payment-facts.ts';
import { enqueueGrants } from './project-access.ts';
import type { PaymentProviders } from './providers.ts';
import { showProducts } from './show-products.ts';

export const buyProductInput = z.object({
  product: z.string().trim().min(1).max(100).optional(),
  provider: z.enum(['stripe', 'stars', 'sandbox']).optional(),
  /** A coupon code typed by the member. */
  code: z.string().trim().regex(/^[A-Za-z0-9_-]{3,32}$/, 'a coupon code: 3 to 32 letters, digits, _ or -').optional(),
  /** The coupon of a button or deep link. */
  couponId: z.uuid().optional(),
});
export type BuyProductInput = z.infer<typeof buyProductInput>;
export type CheckoutChoice = NonNullable<BuyProductInput['provider']>;

/** How long a Stars invoice or sandbox checkout stays payable (Stripe sets its own 24 h). */
const CHECKOUT_TTL_MS = 24 * 3_600_000;

export type BuyDeps = Pick<CoreDeps, 'db' | 'clock' | 'payments' | 'log' | 'queue'>;

/** Thrown inside the order's transaction to undo it: the coupon cannot be used after all. */
class CouponRefused extends Error {
  constructor(readonly reason: CouponRefusal) {
    super(reason);
  }
}

/**
 * Opens a checkout for a product the member does not own yet, privately. Never grants
 * anything itself: access follows only from the provider's confirmation, through the ledger.
 * The price is copied onto a pending order (one per member and product: a second /buy resends
 * the same checkout), so later price edits never change what this buyer pays. A coupon takes
 * its place under its limit in the same transaction; a subscription's free days go to the
 * member's first trial in the community only (on Stars and the sandbox, which have no trials,
 * the free days are granted at once and the invoice follows before they end).
 */
export async function buyProduct(deps: BuyDeps, actor: Actor, input: BuyProductInput): Promise<Result<Reply, DomainError>> {
  if (!input.product) return showProducts(deps, actor, {});
  const product = await findProduct(deps.db, { communityId: actor.communityId, ref: input.product });
  if (!product) return err({ code: 'product_not_found' });
  const owned = await ownedProductIds(deps.db, { communityId: actor.communityId, memberId: actor.memberId, productIds: [product.id], paidOnly: true });
  if (owned.has(product.id)) return err({ code: 'already_owned' });
  const provider = chooseProvider(deps.payments, actor, product, input.provider);
  if (!provider) return err({ code: 'provider_unavailable' });

  const now = deps.clock.now();
  let coupon: Coupon | undefined;
  if (input.code || input.couponId) {
    coupon = await findCoupon(deps.db, actor.communityId, { code: input.code, couponId: input.couponId });
    if (!coupon) return err({ code: 'coupon_refused', reason: 'unknown' });
    const refused = await couponApplies(deps.db, coupon, { memberId: actor.memberId, product, stars: provider === 'stars', now });
    if (refused) return err({ code: 'coupon_refused', reason: refused });
  }
  const trialClaim = { communityId: actor.communityId, memberId: actor.memberId, productId: product.id, days: product.kind === 'subscription' ? product.trialDays : 0, provider: providerOf(provider) };
  // A code is a purchase now: on Stars and the sandbox it skips the granted trial.
  if (provider !== 'stripe' && trialClaim.days > 0 && !coupon) {
    const trial = await deps.db.transaction((tx) => startGrantedTrial(tx, trialClaim, now));
    if (trial) {
      await enqueueGrants(deps.queue, trial.changedGrants.map((grant) => grant.grantId));
      return ok(trialStartedReply(actor, product, trial.endsAt));
    }
  }

  let opened: { order: OpenOrder; trialDays: number };
  try {
    opened = await deps.db.transaction(async (tx) => {
      const locked = coupon ? await lockCoupon(tx, coupon.id) : undefined;
      const order = await openOrder(tx, actor, product, provider, now, coupon);
      if (locked) {
        const refused = await reserveRedemption(tx, locked, order, now);
        if (refused) throw new CouponRefused(refused);
      }
      const trialDays = provider === 'stripe' ? await claimCheckoutTrial(tx, trialClaim, order.id, now) : 0;
      return { order, trialDays };
    });
  } catch (error) {
    if (error instanceof CouponRefused) return err({ code: 'coupon_refused', reason: error.reason });
    throw error;
  }
  const { order, trialDays } = opened;
  const offer = { coupon, trialDays };
  if (order.checkoutUrl || provider !== 'stripe') return ok(checkoutReply(actor, product, order, provider, offer));

  try {
    const checkout = await deps.payments.stripe!.createCheckout({
      orderId: order.id,
      communityId: actor.communityId,
      memberId: actor.memberId,
      productId: product.id,
      productName: product.name,
      productDescription: product.description,
      kind: product.kind,
      interval: product.interval,
      trialDays,
      trialRequiresCard: product.trialRequiresCard,
      amount: order.listAmount ?? order.amount,
      currency: order.currency,
      ...(coupon ? { coupon: { id: coupon.id, percentOff: coupon.percentOff, amountOff: coupon.amountOff, currency: coupon.currency, duration: coupon.duration, durationMonths: coupon.durationMonths } } : {}),
      locale: actor.locale,
    });
    const [updated] = await deps.db
      .update(orders)
      .set({ providerCheckoutId: checkout.checkoutId, checkoutUrl: checkout.url, expiresAt: checkout.expiresAt })
      .where(eq(orders.id, order.id))
      .returning();
    return ok(checkoutReply(actor, product, updated ?? order, provider, offer));
  } catch (error) {
    // Stripe keeps a failed answer under its idempotency key, so this order can never get a
    // session: close it, and the next /buy opens a fresh order with a fresh key.
    deps.log.warn({ err: error, orderId: order.id }, 'stripe checkout creation failed');
    await deps.db.update(orders).set({ status: 'failed', failureReason: 'the checkout could not be opened' }).where(and(eq(orders.id, order.id), eq(orders.status, 'pending')));
    return err({ code: 'checkout_unavailable' });
  }
}

/** Stars on Telegram where the product has a Stars price; else Stripe; else the sandbox. */
function chooseProvider(
  payments: PaymentProviders,
  actor: Actor,
  product: Product,
  wanted: CheckoutChoice | undefined,
): CheckoutChoice | undefined {
  const offered: CheckoutChoice[] = [];
  // Stars subscriptions renew every 30 days only, so weekly and yearly plans are Stripe's.
  const starsFits = product.kind === 'one_time' || product.interval === 'month';
  if (actor.platform === 'telegram' && product.starsPrice && starsFits) offered.push('stars');
  if (payments.stripe && product.priceAmount > 0) offered.push('stripe');
  if (payments.sandbox) offered.push('sandbox');
  return wanted ? offered.find((choice) => choice === wanted) : offered[0];
}

export type OpenOrder = typeof orders.$inferSelect;

const providerOf = (choice: CheckoutChoice): PaymentProvider => (choice === 'stars' ? 'telegram_stars' : choice);

/**
 * The member's pending order for the product, provider and coupon, or a new one at today's
 * price (less the coupon's discount: `list_amount` keeps the price before it).
 */
export async function openOrder(db: Queryable, actor: Pick<Actor, 'communityId' | 'memberId'>, product: Product, choice: CheckoutChoice, now: Date, coupon?: Coupon): Promise<OpenOrder> {
  const provider = providerOf(choice);
  const listAmount = choice === 'stars' ? product.starsPrice! : product.priceAmount;
  const discounted = coupon ? discountedPrice(coupon, product, choice === 'stars') : undefined;
  const amount = discounted && 'amount' in discounted ? discounted.amount : listAmount;
  const couponId = coupon?.id ?? null;
  const currency = choice === 'stars' ? 'XTR' : product.currency;
  const mine = and(eq(orders.memberId, actor.memberId), eq(orders.productId, product.id), eq(orders.status, 'pending'));
  // A stale checkout, another provider's or one at an old price, gives way to a fresh one.
  await db
    .update(orders)
    .set({ status: 'expired', failureReason: 'replaced by a new checkout' })
    .where(and(mine, lt(orders.expiresAt, now)));
  const [existing] = await db.select().from(orders).where(mine);
  if (existing && existing.provider === provider && existing.amount === amount && existing.currency === currency && existing.couponId === couponId) return existing;
  if (existing) {
    await db.update(orders).set({ status: 'canceled', failureReason: 'replaced by a new checkout' }).where(eq(orders.id, existing.id));
  }
  const expiresAt = new Date(now.getTime() + CHECKOUT_TTL_MS);
  const [created] = await db
    .insert(orders)
    .values({ communityId: actor.communityId, memberId: actor.memberId, productId: product.id, provider, amount, listAmount: couponId ? listAmount : null, couponId, currency, expiresAt })
    .onConflictDoNothing()
    .returning();
  if (created) {
    if (provider === 'stripe') return created;
    // Stars invoices carry the order id as their payload; the sandbox is its own checkout.
    const [ready] = await db.update(orders).set({ providerCheckoutId: created.id }).where(eq(orders.id, created.id)).returning();
    return ready ?? created;
  }
  // Two /buy at once: the other one opened the order.
  const [winner] = await db.select().from(orders).where(mine);
  if (!winner) throw new Error(`pending order for ${product.id} vanished`);
  return winner;
}

/** What the checkout carries besides the price: the coupon applied, the free days offered. */
type Offer = { coupon?: Coupon | undefined; trialDays: number };

export function checkoutReply(actor: Pick<Actor, 'locale'>, product: Product, order: OpenOrder, provider: CheckoutChoice, offer: Offer): Reply {
  const { locale } = actor;
  const price = formatMoney(locale, order.amount, order.currency);
  const priced = product.interval ? t(locale, 'price.subscription', { price, interval: t(locale, `interval.${product.interval}`) }) : price;
  const discount = offer.coupon && order.listAmount !== null
    ? `\n${t(locale, 'buy.coupon', { code: offer.coupon.code, discount: describeDiscount(locale, offer.coupon), was: formatMoney(locale, order.listAmount, order.currency) })}`
    : '';
  const trial = offer.trialDays > 0 ? `\n${t(locale, 'buy.trial', { days: offer.trialDays })}${product.trialRequiresCard ? '' : ` ${t(locale, 'buy.trialNoCard')}`}` : '';
  const base = { title: t(locale, 'buy.title', { product: product.name }), ephemeral: true, confidential: true } as const;
  switch (provider) {
    case 'stripe':
      return {
        ...base,
        body: t(locale, 'buy.stripe', { price: priced }) + discount + trial,
        actions: [{ buttons: [{ label: t(locale, 'buy.payButton', { price }), url: order.checkoutUrl! }] }],
      };
    case 'sandbox':
      return {
        ...base,
        body: t(locale, 'buy.sandbox', { price: priced }) + discount,
        actions: [{ buttons: [{ label: t(locale, 'buy.payButton', { price }), action: { type: 'order.pay_sandbox', orderId: order.id }, style: 'primary' }] }],
      };
    case 'stars':
      return {
        ...base,
        body: t(locale, 'buy.stars', { price: priced }) + discount,
        invoice: {
          title: product.name,
          description: product.description || product.name,
          payload: order.id,
          stars: order.amount,
          subscription: product.interval === 'month',
        },
      };
  }
}

function trialStartedReply(actor: Actor, product: Product, endsAt: Date): Reply {
  return {
    title: t(actor.locale, 'trial.startedTitle', { product: product.name }),
    body: t(actor.locale, 'trial.startedBody', { days: product.trialDays, date: endsAt.toISOString().slice(0, 10) }),
    ephemeral: true,
  };
}
