import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, pgTable, primaryKey, unique, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id, updatedAt } from './columns.ts';
import { coupons, entitlements, orders, products } from './commerce.ts';
import { paymentProvider, trialStatus } from './enums.ts';
import { memberRef } from './members.ts';

/** The products a coupon is limited to; a coupon with no rows here applies to every product. */
export const couponProducts = pgTable(
  'coupon_products',
  {
    couponId: uuid('coupon_id').notNull(),
    productId: uuid('product_id').notNull(),
    communityId: uuid('community_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.couponId, t.productId] }),
    foreignKey({ columns: [t.couponId, t.communityId], foreignColumns: [coupons.id, coupons.communityId] }).onDelete('cascade'),
    foreignKey({ columns: [t.productId, t.communityId], foreignColumns: [products.id, products.communityId] }).onDelete('cascade'),
  ],
);

/**
 * A coupon used on one checkout. It holds a place under the coupon's limit while its order is
 * open or paid; an abandoned checkout gives the place back by expiring, with nothing to undo.
 */
export const couponRedemptions = pgTable(
  'coupon_redemptions',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    couponId: uuid('coupon_id').notNull(),
    memberId: memberRef('restrict'),
    orderId: uuid('order_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.couponId, t.communityId], foreignColumns: [coupons.id, coupons.communityId] }).onDelete('cascade'),
    foreignKey({ columns: [t.orderId, t.communityId], foreignColumns: [orders.id, orders.communityId] }).onDelete('cascade'),
    unique('coupon_redemptions_order_key').on(t.orderId),
    index('coupon_redemptions_coupon_idx').on(t.couponId, t.memberId),
  ],
);

/**
 * A member's one free trial in a community, whatever the product: claimed when a checkout with
 * free days opens (unique per member, so two checkouts at once cannot both offer one), started
 * when the provider confirms it, then converted by the first payment or expired.
 */
export const trials = pgTable(
  'trials',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    memberId: memberRef('restrict'),
    productId: uuid('product_id').notNull(),
    provider: paymentProvider('provider').notNull(),
    /** The checkout that offers it (Stripe), or the order the trial's invoice opened (Stars, sandbox). */
    orderId: uuid('order_id'),
    /** Stars and the sandbox have no provider trial: a time-boxed entitlement of its own. */
    entitlementId: uuid('entitlement_id'),
    days: integer('days').notNull(),
    status: trialStatus('status').notNull().default('offered'),
    startsAt: at('starts_at'),
    endsAt: at('ends_at'),
    /** When the invoice that continues a Stars or sandbox trial was sent. */
    invoicedAt: at('invoiced_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('trials_member_key').on(t.communityId, t.memberId),
    foreignKey({ columns: [t.productId, t.communityId], foreignColumns: [products.id, products.communityId] }).onDelete('restrict'),
    foreignKey({ columns: [t.orderId, t.communityId], foreignColumns: [orders.id, orders.communityId] }),
    foreignKey({ columns: [t.entitlementId], foreignColumns: [entitlements.id] }).onDelete('set null'),
    index('trials_ending_idx').on(t.endsAt).where(sql`${t.status} = 'active'`),
  ],
);
