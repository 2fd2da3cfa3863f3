import { pgEnum } from 'drizzle-orm/pg-core';

/** Where a person or a space lives. `console` is the local terminal adapter. */
export const platform = pgEnum('platform', ['discord', 'telegram', 'console']);

export const spaceKind = pgEnum('space_kind', [
  'discord_guild',
  'telegram_group',
  'telegram_supergroup',
  'telegram_channel',
  'console',
]);

/** Ordered from most to least privileged; RBAC in core/members decides what each may do. */
export const memberRole = pgEnum('member_role', ['owner', 'creator', 'staff', 'member']);
export const membershipStatus = pgEnum('membership_status', ['active', 'left', 'banned']);

export const courseStatus = pgEnum('course_status', ['draft', 'review', 'published', 'archived']);
/** A course revision: edited as `draft`, waiting in `review`, `approved` once published. Changes requested send it back to `draft`. */
export const revisionStatus = pgEnum('revision_status', ['draft', 'review', 'approved']);
export const courseLevel = pgEnum('course_level', ['beginner', 'intermediate', 'advanced']);

export const productKind = pgEnum('product_kind', ['one_time', 'subscription']);
export const billingInterval = pgEnum('billing_interval', ['week', 'month', 'year']);
export const grantKind = pgEnum('grant_kind', ['course', 'discord_role', 'telegram_chat']);
/** `sandbox`: the console and local demos "pay" with a button; refused in production. */
export const paymentProvider = pgEnum('payment_provider', ['stripe', 'telegram_stars', 'sandbox']);
/**
 * pending -> paid -> partially_refunded | refunded | disputed; pending -> failed | expired | canceled.
 * `disputed` holds while a chargeback is open; a won dispute returns the order to `paid`.
 */
export const orderStatus = pgEnum('order_status', [
  'pending',
  'paid',
  'refunded',
  'canceled',
  'expired',
  'failed',
  'partially_refunded',
  'disputed',
]);
/** One money movement in the ledger; amounts are always positive, the kind gives the sign. */
export const ledgerEntryKind = pgEnum('ledger_entry_kind', ['charge', 'refund', 'dispute', 'dispute_won', 'dispute_lost']);
/** What processing a stored payment event did; `unmatched` events are kept and reported. */
export const paymentEventOutcome = pgEnum('payment_event_outcome', ['applied', 'unmatched', 'ignored']);
export const subscriptionStatus = pgEnum('subscription_status', [
  'trialing',
  'active',
  'past_due',
  'canceled',
  'expired',
]);
/** How long a coupon discounts a subscription: its first payment, N months, or for as long as it runs. */
export const couponDuration = pgEnum('coupon_duration', ['once', 'repeating', 'forever']);
/**
 * Who may redeem a coupon: `new` never paid the community, `returning` paid before and has no
 * access now, `existing` has access now (an upgrade or a second product).
 */
export const couponEligibility = pgEnum('coupon_eligibility', ['anyone', 'new', 'returning', 'existing']);
/** `offered`: a checkout with free days is open; `active`: the free days run; then converted (paid) or expired. */
export const trialStatus = pgEnum('trial_status', ['offered', 'active', 'converted', 'expired']);
export const entitlementSource = pgEnum('entitlement_source', ['order', 'subscription', 'manual', 'trial']);
/** `grace`: payment is failing but access continues until `grace_until`. */
export const entitlementStatus = pgEnum('entitlement_status', ['active', 'grace', 'expired', 'revoked']);

export const accessResource = pgEnum('access_resource', ['discord_role', 'telegram_chat']);
export const accessDesired = pgEnum('access_desired', ['present', 'absent']);
/** `invited`: a Telegram invite link or join request is outstanding; `unknown`: never checked. */
export const accessObserved = pgEnum('access_observed', ['present', 'absent', 'invited', 'unknown']);
/** What ending a product's access does: take the role / remove from the chat, also kick from the server, or leave everything as it is. */
export const accessEndAction = pgEnum('access_end_action', ['remove', 'kick', 'keep']);

export const announcementStatus = pgEnum('announcement_status', [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'sent',
  'canceled',
]);
export const deliveryKind = pgEnum('delivery_kind', ['announcement', 'lesson', 'digest', 'direct', 'reminder', 'summary']);
export const deliveryTarget = pgEnum('delivery_target', ['dm', 'channel', 'group']);
export const deliveryStatus = pgEnum('delivery_status', ['pending', 'sent', 'failed', 'skipped']);

/** `assistant`: the bot answers; `waiting`: handed off, no staff yet; `claimed`: a human owns it. */
export const conversationStatus = pgEnum('conversation_status', ['assistant', 'waiting', 'claimed', 'closed']);
export const messageAuthor = pgEnum('message_author', ['member', 'assistant', 'staff', 'system']);
export const ticketStatus = pgEnum('ticket_status', ['open', 'pending', 'resolved', 'closed']);
export const ticketPriority = pgEnum('ticket_priority', ['low', 'normal', 'high', 'urgent']);

export const behaviourKind = pgEnum('behaviour_kind', [
  'course_view',
  'search',
  'enrolled',
  'purchase',
  'lesson_delivered',
  'lesson_opened',
  'lesson_completed',
  'course_rated',
  'digest_sent',
  'digest_click',
  'announcement_click',
]);
export const actorKind = pgEnum('actor_kind', ['member', 'system']);
