import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { courses } from './catalog.ts';
import { at, createdAt, id, sealedText, updatedAt } from './columns.ts';
import { communityRef, platformSpaces } from './communities.ts';
import {
  accessEndAction,
  billingInterval,
  couponDuration,
  couponEligibility,
  entitlementSource,
  entitlementStatus,
  grantKind,
  orderStatus,
  paymentProvider,
  productKind,
  subscriptionStatus,
} from './enums.ts';
import { memberRef } from './members.ts';

/**
 * Something a member can buy. Money is integer minor units plus an ISO currency; the optional
 * Telegram Stars price is whole Stars (currency XTR). Archiving sets `active` false: nobody can
 * start a new checkout, and what existing buyers have is untouched. Orders copy the price, so
 * editing it never changes what an existing buyer pays.
 */
export const products = pgTable(
  'products',
  {
    id: id(),
    communityId: communityRef(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    kind: productKind('kind').notNull(),
    interval: billingInterval('interval'),
    priceAmount: integer('price_amount').notNull(),
    currency: text('currency').notNull(),
    starsPrice: integer('stars_price'),
    trialDays: integer('trial_days').notNull().default(0),
    /** Stripe: the trial starts only with a card on file (it then renews paid); without, it ends unless the member adds one. */
    trialRequiresCard: boolean('trial_requires_card').notNull().default(true),
    /** What happens to the member's access when an entitlement to this product ends. */
    endAction: accessEndAction('end_action').notNull().default('remove'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('products_community_slug_key').on(t.communityId, t.slug),
    unique('products_id_community_key').on(t.id, t.communityId),
    check('products_price_non_negative', sql`${t.priceAmount} >= 0`),
    check('products_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('products_stars_positive', sql`${t.starsPrice} is null or ${t.starsPrice} between 1 and 100000`),
    check('products_interval_matches_kind', sql`(${t.kind} = 'subscription') = (${t.interval} is not null)`),
    check('products_trial_days_range', sql`${t.trialDays} between 0 and 365`),
  ],
);

/** What buying a product grants: a course, a Discord role, or membership of a Telegram chat. */
export const productGrants = pgTable(
  'product_grants',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    productId: uuid('product_id').notNull(),
    kind: grantKind('kind').notNull(),
    courseId: uuid('course_id'),
    spaceId: uuid('space_id'),
    /** Discord role id or Telegram chat id, inside `space_id`. */
    resourceId: text('resource_id'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.productId, t.communityId], foreignColumns: [products.id, products.communityId] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.courseId, t.communityId], foreignColumns: [courses.id, courses.communityId] }).onDelete(
      'cascade',
    ),
    foreignKey({
      columns: [t.spaceId, t.communityId],
      foreignColumns: [platformSpaces.id, platformSpaces.communityId],
    }).onDelete('cascade'),
    unique('product_grants_target_key').on(t.productId, t.kind, t.courseId, t.resourceId).nullsNotDistinct(),
    check(
      'product_grants_shape',
      sql`(${t.kind} = 'course' and ${t.courseId} is not null and ${t.spaceId} is null and ${t.resourceId} is null)
        or (${t.kind} <> 'course' and ${t.courseId} is null and ${t.spaceId} is not null and ${t.resourceId} is not null)`,
    ),
  ],
);

/**
 * A discount code: exactly one of percent or amount off (minor units of `currency`), for the
 * products in `coupon_products` (none listed: every product). Redemptions live in
 * `coupon_redemptions`, one per checkout; the limit counts those whose checkout is open or paid.
 */
export const coupons = pgTable(
  'coupons',
  {
    id: id(),
    communityId: communityRef(),
    code: text('code').notNull(),
    percentOff: integer('percent_off'),
    amountOff: integer('amount_off'),
    currency: text('currency'),
    duration: couponDuration('duration').notNull().default('once'),
    durationMonths: integer('duration_months'),
    eligibility: couponEligibility('eligibility').notNull().default('anyone'),
    maxRedemptions: integer('max_redemptions'),
    expiresAt: at('expires_at'),
    disabledAt: at('disabled_at'),
    createdByMemberId: uuid('created_by_member_id'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('coupons_community_code_key').on(t.communityId, t.code),
    unique('coupons_id_community_key').on(t.id, t.communityId),
    check('coupons_code_format', sql`${t.code} ~ '^[A-Z0-9_-]{3,32}$'`),
    check(
      'coupons_one_discount',
      sql`(${t.percentOff} between 1 and 100 and ${t.amountOff} is null)
        or (${t.amountOff} > 0 and ${t.percentOff} is null and ${t.currency} is not null)`,
    ),
    check('coupons_max_redemptions_positive', sql`${t.maxRedemptions} is null or ${t.maxRedemptions} > 0`),
    check(
      'coupons_duration_months',
      sql`(${t.duration} = 'repeating') = (${t.durationMonths} is not null) and (${t.durationMonths} is null or ${t.durationMonths} between 1 and 36)`,
    ),
  ],
);

/**
 * A purchase attempt. The provider's checkout id (Stripe Checkout Session, Telegram invoice
 * payload) and payment id (PaymentIntent, telegram_payment_charge_id) are unique per provider,
 * which makes fulfilment idempotent.
 */
export const orders = pgTable(
  'orders',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    memberId: memberRef('restrict'),
    productId: uuid('product_id').notNull(),
    couponId: uuid('coupon_id'),
    provider: paymentProvider('provider').notNull(),
    status: orderStatus('status').notNull().default('pending'),
    /** What the first payment costs, after the coupon. */
    amount: integer('amount').notNull(),
    /** The price before the coupon; null without one. MRR counts it, unless the coupon is forever. */
    listAmount: integer('list_amount'),
    currency: text('currency').notNull(),
    providerCheckoutId: text('provider_checkout_id'),
    providerPaymentId: text('provider_payment_id'),
    /** Identifies a person at the provider (Stripe's cus_...): sealed. */
    providerCustomerId: sealedText('orders', 'provider_customer_id'),
    /** Sum of the ledger's refunds on this order (renewals included), kept with the status. */
    amountRefunded: integer('amount_refunded').notNull().default(0),
    /** Where the member pays (Stripe Checkout URL, Telegram invoice link), resent on a second /buy. */
    checkoutUrl: text('checkout_url'),
    expiresAt: at('expires_at'),
    /** Why a checkout was refused or failed, in plain words for /sales and support. */
    failureReason: text('failure_reason'),
    paidAt: at('paid_at'),
    refundedAt: at('refunded_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.productId, t.communityId], foreignColumns: [products.id, products.communityId] }).onDelete(
      'restrict',
    ),
    foreignKey({ columns: [t.couponId, t.communityId], foreignColumns: [coupons.id, coupons.communityId] }),
    unique('orders_provider_checkout_key').on(t.provider, t.providerCheckoutId),
    unique('orders_provider_payment_key').on(t.provider, t.providerPaymentId),
    unique('orders_id_community_key').on(t.id, t.communityId),
    index('orders_member_idx').on(t.communityId, t.memberId),
    // One open checkout per member and product: a second /buy resends it instead of a second charge.
    uniqueIndex('orders_one_pending_key').on(t.memberId, t.productId).where(sql`${t.status} = 'pending'`),
    check('orders_amount_non_negative', sql`${t.amount} >= 0`),
    check('orders_amount_refunded_non_negative', sql`${t.amountRefunded} >= 0`),
  ],
);

/** A recurring Stripe or Telegram Stars subscription and its billing state. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    memberId: memberRef('restrict'),
    productId: uuid('product_id').notNull(),
    provider: paymentProvider('provider').notNull(),
    providerSubscriptionId: text('provider_subscription_id').notNull(),
    /** The order that started it; renewals are ledger charges on this order. */
    orderId: uuid('order_id').notNull(),
    status: subscriptionStatus('status').notNull(),
    currentPeriodEnd: at('current_period_end'),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    graceUntil: at('grace_until'),
    canceledAt: at('canceled_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.productId, t.communityId], foreignColumns: [products.id, products.communityId] }).onDelete(
      'restrict',
    ),
    foreignKey({ columns: [t.orderId, t.communityId], foreignColumns: [orders.id, orders.communityId] }),
    unique('subscriptions_provider_key').on(t.provider, t.providerSubscriptionId),
    unique('subscriptions_order_key').on(t.orderId),
    unique('subscriptions_id_community_key').on(t.id, t.communityId),
    index('subscriptions_member_idx').on(t.communityId, t.memberId),
  ],
);

/**
 * The right to what a product grants. Exactly one entitlement per order and per subscription;
 * access grants are reconciled from the active ones.
 */
export const entitlements = pgTable(
  'entitlements',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    memberId: memberRef('restrict'),
    productId: uuid('product_id').notNull(),
    source: entitlementSource('source').notNull(),
    orderId: uuid('order_id'),
    subscriptionId: uuid('subscription_id'),
    status: entitlementStatus('status').notNull().default('active'),
    startsAt: at('starts_at').notNull().defaultNow(),
    endsAt: at('ends_at'),
    graceUntil: at('grace_until'),
    revokedAt: at('revoked_at'),
    revokeReason: text('revoke_reason'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.productId, t.communityId], foreignColumns: [products.id, products.communityId] }).onDelete(
      'restrict',
    ),
    foreignKey({ columns: [t.orderId, t.communityId], foreignColumns: [orders.id, orders.communityId] }),
    foreignKey({
      columns: [t.subscriptionId, t.communityId],
      foreignColumns: [subscriptions.id, subscriptions.communityId],
    }),
    unique('entitlements_order_key').on(t.orderId),
    unique('entitlements_subscription_key').on(t.subscriptionId),
    index('entitlements_member_idx').on(t.communityId, t.memberId, t.status),
    check(
      'entitlements_source_matches',
      sql`(${t.source} = 'order') = (${t.orderId} is not null)
        and (${t.source} = 'subscription') = (${t.subscriptionId} is not null)`,
    ),
  ],
);
