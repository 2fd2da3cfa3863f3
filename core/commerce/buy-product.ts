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
import { findProduct, ownedProductIds, type Product } from './products.ts';
import type { PaymentProviders } from './providers.ts';
import { showProducts } from './show-products.ts';

export const buyProductInput = z.object({
  product: z.string().trim().min(1).max(100).optional(),
  provider: z.enum(['stripe', 'stars', 'sandbox']).optional(),
});
export type BuyProductInput = z.infer<typeof buyProductInput>;
export type CheckoutChoice = NonNullable<BuyProductInput['provider']>;

/** How long a Stars invoice or sandbox checkout stays payable (Stripe sets its own 24 h). */
const CHECKOUT_TTL_MS = 24 * 3_600_000;

export type BuyDeps = Pick<CoreDeps, 'db' | 'clock' | 'payments' | 'log'>;

/**
 * Opens a checkout for a product the member does not own yet, privately. Never grants
 * anything itself: access follows only from the provider's confirmation, through the ledger.
 * The price is copied onto a pending order (one per member and product: a second /buy resends
 * the same checkout), so later price edits never change what this buyer pays.
 */
export async function buyProduct(deps: BuyDeps, actor: Actor, input: BuyProductInput): Promise<Result<Reply, DomainError>> {
  if (!input.product) return showProducts(deps, actor, {});
  const product = await findProduct(deps.db, { communityId: actor.communityId, ref: input.product });
  if (!product) return err({ code: 'product_not_found' });
  const owned = await ownedProductIds(deps.db, { communityId: actor.communityId, memberId: actor.memberId, productIds: [product.id] });
  if (owned.has(product.id)) return err({ code: 'already_owned' });
  const provider = chooseProvider(deps.payments, actor, product, input.provider);
  if (!provider) return err({ code: 'provider_unavailable' });

  const now = deps.clock.now();
  const order = await openOrder(deps.db, actor, product, provider, now);
  if (order.checkoutUrl || provider !== 'stripe') return ok(checkoutReply(actor, product, order, provider));

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
      trialDays: product.trialDays,
      amount: order.amount,
      currency: order.currency,
      locale: actor.locale,
    });
    const [updated] = await deps.db
      .update(orders)
      .set({ providerCheckoutId: checkout.checkoutId, checkoutUrl: checkout.url, expiresAt: checkout.expiresAt })
      .where(eq(orders.id, order.id))
      .returning();
    return ok(checkoutReply(actor, product, updated ?? order, provider));
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

type OpenOrder = typeof orders.$inferSelect;

/** The member's pending order for the product and provider, or a new one at today's price. */
async function openOrder(db: Queryable, actor: Actor, product: Product, choice: CheckoutChoice, now: Date): Promise<OpenOrder> {
  const provider = choice === 'stars' ? 'telegram_stars' : choice;
  const amount = choice === 'stars' ? product.starsPrice! : product.priceAmount;
  const currency = choice === 'stars' ? 'XTR' : product.currency;
  const mine = and(eq(orders.memberId, actor.memberId), eq(orders.productId, product.id), eq(orders.status, 'pending'));
  // A stale checkout, another provider's or one at an old price, gives way to a fresh one.
  await db
    .update(orders)
    .set({ status: 'expired', failureReason: 'replaced by a new checkout' })
    .where(and(mine, lt(orders.expiresAt, now)));
  const [existing] = await db.select().from(orders).where(mine);
  if (existing && existing.provider === provider && existing.amount === amount && existing.currency === currency) return existing;
  if (existing) {
    await db.update(orders).set({ status: 'canceled', failureReason: 'replaced by a new checkout' }).where(eq(orders.id, existing.id));
  }
  const expiresAt = new Date(now.getTime() + CHECKOUT_TTL_MS);
  const [created] = await db
    .insert(orders)
    .values({ communityId: actor.communityId, memberId: actor.memberId, productId: product.id, provider, amount, currency, expiresAt })
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

function checkoutReply(actor: Actor, product: Product, order: OpenOrder, provider: CheckoutChoice): Reply {
  const { locale } = actor;
  const price = formatMoney(locale, order.amount, order.currency);
  const priced = product.interval ? t(locale, 'price.subscription', { price, interval: t(locale, `interval.${product.interval}`) }) : price;
  const trial = product.trialDays > 0 && provider === 'stripe' ? `\n${t(locale, 'buy.trial', { days: product.trialDays })}` : '';
  const base = { title: t(locale, 'buy.title', { product: product.name }), ephemeral: true, confidential: true } as const;
  switch (provider) {
    case 'stripe':
      return {
        ...base,
        body: t(locale, 'buy.stripe', { price: priced }) + trial,
        actions: [{ buttons: [{ label: t(locale, 'buy.payButton', { price }), url: order.checkoutUrl! }] }],
      };
    case 'sandbox':
      return {
        ...base,
        body: t(locale, 'buy.sandbox', { price: priced }),
        actions: [{ buttons: [{ label: t(locale, 'buy.payButton', { price }), action: { type: 'order.pay_sandbox', orderId: order.id }, style: 'primary' }] }],
      };
    case 'stars':
      return {
        ...base,
        body: t(locale, 'buy.stars', { price: priced }),
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
