import { and, eq, inArray } from 'drizzle-orm';
import { type BuyDeps, buyProduct } from '../commerce/buy-product.ts';
import { ownedProductIds } from '../commerce/products.ts';
import { priceLine } from '../commerce/show-products.ts';
import { products } from '../db/schema/index.ts';
import type { DomainError } from '../errors.ts';
import { formatMoney } from '../format.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { couponProductIds, describeDiscount, discountedPrice, findCoupon } from './coupons.ts';

const SHOWN = 5;

/**
 * A coupon's button or deep link pressed: checkout with the code applied when it fits one
 * product the member does not own yet, else those products with their price after the code.
 * Whether the member may use it is checked again at checkout (buyProduct), under its lock.
 */
export async function redeemCoupon(deps: BuyDeps, actor: Actor, couponId: string): Promise<Result<Reply, DomainError>> {
  const coupon = await findCoupon(deps.db, actor.communityId, { couponId });
  if (!coupon) return err({ code: 'coupon_refused', reason: 'unknown' });
  if (coupon.disabledAt) return err({ code: 'coupon_refused', reason: 'disabled' });
  if (coupon.expiresAt && coupon.expiresAt <= deps.clock.now()) return err({ code: 'coupon_refused', reason: 'expired' });
  const limitedTo = await couponProductIds(deps.db, coupon.id);
  const candidates = await deps.db
    .select()
    .from(products)
    .where(and(eq(products.communityId, actor.communityId), eq(products.active, true), limitedTo.length ? inArray(products.id, limitedTo) : undefined));
  const owned = await ownedProductIds(deps.db, { communityId: actor.communityId, memberId: actor.memberId, productIds: candidates.map((product) => product.id), paidOnly: true });
  const open = candidates.filter((product) => !owned.has(product.id));
  if (!open.length) return err({ code: candidates.length ? 'already_owned' : 'product_not_found' });
  if (open.length === 1) return buyProduct(deps, actor, { product: open[0]!.id, couponId: coupon.id });
  const { locale } = actor;
  const shown = open.slice(0, SHOWN);
  const lines = shown.map((product) => {
    const after = discountedPrice(coupon, product, false);
    const price = 'amount' in after ? formatMoney(locale, after.amount, product.currency) : priceLine(locale, product);
    return `${product.name}: ${price} (${priceLine(locale, product)})`;
  });
  return ok({
    title: t(locale, 'coupon.offerTitle', { code: coupon.code, discount: describeDiscount(locale, coupon) }),
    body: lines.join('\n'),
    actions: [{ buttons: shown.map((product) => ({ label: truncate(t(locale, 'products.buy', { product: product.name }), replyLimits.buttonLabel), action: { type: 'product.buy' as const, productId: product.id, couponId: coupon.id } })) }],
    ephemeral: true,
  });
}
