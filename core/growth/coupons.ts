import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { couponProducts, couponRedemptions, coupons, entitlements, orders } from '../db/schema/index.ts';
import { formatMoney } from '../format.ts';
import { type Locale, t } from '../i18n/index.ts';
import { ACCESS_STATUSES } from '../commerce/project-access.ts';
import type { Product } from '../commerce/products.ts';

export type Coupon = typeof coupons.$inferSelect;

/** Why a code does not apply; each has words for the member in every locale (`coupon.refused.*`). */
export type CouponRefusal =
  | 'unknown'
  | 'expired'
  | 'disabled'
  | 'used_up'
  | 'already_used'
  | 'not_eligible'
  | 'not_for_product'
  | 'currency'
  | 'stars_subscription';

/** Order statuses in which a redemption keeps its place under the coupon's limit. */
const PAID_STATUSES = ['paid', 'partially_refunded', 'refunded', 'disputed'] as const;

/** The coupon of this community with that code or id, whatever its state. */
export async function findCoupon(db: Queryable, communityId: string, ref: { code?: string | undefined; couponId?: string | undefined }): Promise<Coupon | undefined> {
  const where = ref.couponId ? eq(coupons.id, ref.couponId) : ref.code ? eq(coupons.code, ref.code.toUpperCase()) : undefined;
  if (!where) return undefined;
  const [coupon] = await db.select().from(coupons).where(and(eq(coupons.communityId, communityId), where));
  return coupon;
}

/** The products a coupon is limited to (empty: all). */
export async function couponProductIds(db: Queryable, couponId: string): Promise<string[]> {
  const rows = await db.select({ productId: couponProducts.productId }).from(couponProducts).where(eq(couponProducts.couponId, couponId));
  return rows.map((row) => row.productId);
}

/**
 * Whether the member may use the coupon on the product now, before any place is taken under its
 * limit (that happens in `reserveRedemption`, under the coupon's row lock).
 */
export async function couponApplies(
  db: Queryable,
  coupon: Coupon,
  context: { memberId: string; product: Product; stars: boolean; now: Date },
): Promise<CouponRefusal | undefined> {
  if (coupon.disabledAt) return 'disabled';
  if (coupon.expiresAt && coupon.expiresAt <= context.now) return 'expired';
  const limitedTo = await couponProductIds(db, coupon.id);
  if (limitedTo.length && !limitedTo.includes(context.product.id)) return 'not_for_product';
  const price = discountedPrice(coupon, context.product, context.stars);
  if ('refused' in price) return price.refused;
  if (coupon.eligibility !== 'anyone' && (await memberStanding(db, coupon.communityId, context.memberId)) !== coupon.eligibility) return 'not_eligible';
  return undefined;
}

/**
 * What the first payment costs with the coupon: Stripe's rule (the percentage of the price,
 * rounded to the minor unit; an amount off never below zero). Stars take the same share off
 * the Stars price (an amount off counts as its share of the money price; the currencies are
 * never mixed), at least 1 Star, since Telegram cannot invoice nothing; a Stars subscription
 * renews at one fixed price, so only a `forever` coupon fits it.
 */
export function discountedPrice(coupon: Pick<Coupon, 'percentOff' | 'amountOff' | 'currency' | 'duration'>, product: Pick<Product, 'priceAmount' | 'currency' | 'starsPrice' | 'kind'>, stars: boolean): { amount: number } | { refused: CouponRefusal } {
  if (coupon.amountOff !== null && coupon.currency !== product.currency) return { refused: 'currency' };
  const share = coupon.percentOff !== null ? coupon.percentOff / 100 : product.priceAmount > 0 ? Math.min(1, (coupon.amountOff ?? 0) / product.priceAmount) : 1;
  if (!stars) {
    const off = coupon.percentOff !== null ? Math.round(product.priceAmount * share) : Math.min(product.priceAmount, coupon.amountOff ?? 0);
    return { amount: product.priceAmount - off };
  }
  if (product.kind === 'subscription' && coupon.duration !== 'forever') return { refused: 'stars_subscription' };
  return { amount: Math.max(1, Math.round((product.starsPrice ?? 0) * (1 - share))) };
}

/** A member's standing in the community, as coupon eligibility names it. */
export async function memberStanding(db: Queryable, communityId: string, memberId: string): Promise<'new' | 'returning' | 'existing'> {
  const hasAccess = db.select({ one: sql`1` }).from(entitlements).where(and(eq(entitlements.communityId, communityId), eq(entitlements.memberId, memberId), inArray(entitlements.status, [...ACCESS_STATUSES])));
  const hasPaid = db.select({ one: sql`1` }).from(orders).where(and(eq(orders.communityId, communityId), eq(orders.memberId, memberId), inArray(orders.status, [...PAID_STATUSES])));
  const [row] = await db.execute<{ access: boolean; paid: boolean }>(sql`select exists (${hasAccess}) as access, exists (${hasPaid}) as paid`);
  if (row?.access) return 'existing';
  return row?.paid ? 'returning' : 'new';
}

/**
 * Locks the coupon's row for the checkout's transaction, first thing in it: two members racing
 * for its last place are then served one after the other. (`no key update`, and before the
 * order is written: the order's foreign key to the coupon takes a key-share lock that a plain
 * `for update` taken later would deadlock against.)
 */
export async function lockCoupon(tx: Queryable, couponId: string): Promise<Coupon | undefined> {
  const [locked] = await tx.select().from(coupons).where(eq(coupons.id, couponId)).for('no key update');
  return locked;
}

/**
 * Takes a place under the locked coupon's limit for the order, once per member. Places held by
 * open (unexpired) or paid checkouts count; an abandoned checkout's place comes back when it
 * expires.
 */
export async function reserveRedemption(tx: Queryable, locked: Coupon, order: { id: string; memberId: string }, now: Date): Promise<CouponRefusal | undefined> {
  if (locked.disabledAt) return 'disabled';
  const holding = or(inArray(orders.status, [...PAID_STATUSES]), and(eq(orders.status, 'pending'), or(isNull(orders.expiresAt), gt(orders.expiresAt, now))));
  const [held] = await tx
    .select({
      total: sql<number>`count(*)::int`,
      mine: sql<number>`(count(*) filter (where ${couponRedemptions.memberId} = ${order.memberId} and ${couponRedemptions.orderId} <> ${order.id}))::int`,
      thisOrder: sql<number>`(count(*) filter (where ${couponRedemptions.orderId} = ${order.id}))::int`,
    })
    .from(couponRedemptions)
    .innerJoin(orders, eq(orders.id, couponRedemptions.orderId))
    .where(and(eq(couponRedemptions.couponId, locked.id), holding));
  if (held?.thisOrder) return undefined;
  if (held?.mine) return 'already_used';
  if (locked.maxRedemptions !== null && (held?.total ?? 0) >= locked.maxRedemptions) return 'used_up';
  await tx.insert(couponRedemptions).values({ communityId: locked.communityId, couponId: locked.id, memberId: order.memberId, orderId: order.id });
  return undefined;
}

/** "20% off" / "$5.00 off", and for how long on a subscription. */
export function describeDiscount(locale: Locale, coupon: Pick<Coupon, 'percentOff' | 'amountOff' | 'currency' | 'duration' | 'durationMonths'>): string {
  const off = coupon.percentOff !== null ? t(locale, 'coupon.percentOff', { percent: coupon.percentOff }) : t(locale, 'coupon.amountOff', { amount: formatMoney(locale, coupon.amountOff ?? 0, coupon.currency ?? 'USD') });
  const length = coupon.duration === 'repeating' ? t(locale, 'coupon.duration.repeating', { months: coupon.durationMonths ?? 1 }) : t(locale, `coupon.duration.${coupon.duration}`);
  return `${off} · ${length}`;
}

/** The Telegram deep-link payload that opens checkout with the coupon: `cp` + its id's 32 hex digits. */
export const couponStartPayload = (couponId: string) => `cp${couponId.replaceAll('-', '')}`;

export function couponIdFromStartPayload(payload: string): string | undefined {
  const match = /^cp([0-9a-f]{32})$/.exec(payload);
  if (!match) return undefined;
  const hex = match[1]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
