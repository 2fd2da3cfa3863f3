/**
 * Subscriptions: built by Checkout, read and changed through the API (`cancel_at_period_end`,
 * `metadata`, DELETE = cancel now), and ended automatically when the sim clock passes the period
 * end of a subscription set to cancel then. Periods live on `items.data[]` at this API version.
 */
import type Stripe from 'stripe';
import { addInterval, cleanMetadata, planFromPrice } from './catalog.ts';
import { checkMetadata } from './checkout-rules.ts';
import { invalidRequest, noSuchObject } from './errors.ts';
import { newId } from './ids.ts';
import { type RequestInfo, type SimCore, noRequest, snapshot } from './state.ts';

export function getSubscription(core: SimCore, id: string): Stripe.Subscription {
  const subscription = core.state.subscriptions.get(id);
  if (!subscription) throw noSuchObject('subscription', id, 'subscription_exposed_id');
  return subscription;
}

export interface NewSubscription {
  customer: string;
  prices: { price: Stripe.Price; quantity: number }[];
  metadata: Stripe.Metadata;
  trialDays: number | null;
  status: Stripe.Subscription.Status;
  /** `trial_settings.end_behavior.missing_payment_method`; Stripe's default is `create_invoice`. */
  missingPaymentMethod?: Stripe.Subscription.TrialSettings.EndBehavior.MissingPaymentMethod;
}

/** Builds and stores a subscription whose first period starts now (or its trial does). */
export function buildSubscription(core: SimCore, input: NewSubscription): Stripe.Subscription {
  const id = newId('sub');
  const now = core.clock.unix();
  const interval = input.prices[0]?.price.recurring;
  const periodEnd = input.trialDays
    ? now + input.trialDays * 24 * 3600
    : addInterval(now, interval?.interval ?? 'month', interval?.interval_count ?? 1);
  const items = input.prices.map(({ price, quantity }) => ({
    id: newId('si'),
    object: 'subscription_item',
    billing_thresholds: null,
    created: now,
    current_period_end: periodEnd,
    current_period_start: now,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planFromPrice(price),
    price,
    quantity,
    subscription: id,
    tax_rates: [],
  }) satisfies Stripe.SubscriptionItem);
  const subscription = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: periodEnd > now && input.trialDays ? periodEnd : now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: input.prices[0]?.price.currency ?? 'usd',
    customer: input.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    description: null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: input.status,
    test_clock: null,
    transfer_data: null,
    trial_end: input.trialDays ? periodEnd : null,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: input.missingPaymentMethod ?? 'create_invoice' },
    },
    trial_start: input.trialDays ? now : null,
  } satisfies Stripe.Subscription;
  core.state.subscriptions.set(id, subscription);
  return subscription;
}

/** The period every item shares (the sim bills all items on one interval). */
export function currentPeriod(subscription: Stripe.Subscription) {
  const item = subscription.items.data[0];
  if (!item) throw new Error(`subscription ${subscription.id} has no items`);
  return { start: item.current_period_start, end: item.current_period_end };
}

/**
 * Applies a change and emits `customer.subscription.updated` with `previous_attributes` holding
 * the old value of every top-level field the change touched (items as a whole list).
 */
export function updateSubscription(
  core: SimCore,
  subscription: Stripe.Subscription,
  change: (subscription: Stripe.Subscription) => void,
  request: RequestInfo,
) {
  const before = snapshot(subscription) as unknown as Record<string, unknown>;
  change(subscription);
  const after = subscription as unknown as Record<string, unknown>;
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key] ?? null;
  }
  if (Object.keys(previous).length > 0) core.emit('customer.subscription.updated', subscription, { previous, request });
}

const supportedUpdates = new Set(['cancel_at_period_end', 'metadata', 'cancellation_details', 'expand']);

/** POST /v1/subscriptions/:id — the sim supports `cancel_at_period_end`, `metadata`, `cancellation_details`. */
export function updateSubscriptionByApi(
  core: SimCore,
  id: string,
  params: Stripe.SubscriptionUpdateParams,
  request: RequestInfo,
) {
  const subscription = getSubscription(core, id);
  const unsupported = Object.keys(params).find((key) => !supportedUpdates.has(key));
  if (unsupported) {
    throw invalidRequest(`The Stripe simulator does not support updating \`${unsupported}\` yet.`, { param: unsupported });
  }
  checkMetadata(params.metadata, 'metadata');
  if (isEnded(subscription) && params.cancel_at_period_end !== undefined) {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.', {
      param: 'cancel_at_period_end',
    });
  }
  updateSubscription(
    core,
    subscription,
    (sub) => {
      if (params.metadata !== undefined) sub.metadata = mergeMetadata(sub.metadata, params.metadata);
      if (params.cancel_at_period_end !== undefined) setCancelAtPeriodEnd(sub, params.cancel_at_period_end, core.clock.unix());
      const details = params.cancellation_details;
      if (details && sub.cancellation_details) {
        if (details.comment !== undefined) sub.cancellation_details.comment = details.comment || null;
        if (details.feedback !== undefined) {
          sub.cancellation_details.feedback = (details.feedback || null) as Stripe.Subscription.CancellationDetails.Feedback | null;
        }
      }
    },
    request,
  );
  return subscription;
}

/** Schedules (or unschedules) the end of the subscription at its current period end. */
export function setCancelAtPeriodEnd(subscription: Stripe.Subscription, atPeriodEnd: boolean, nowUnix: number) {
  subscription.cancel_at_period_end = atPeriodEnd;
  subscription.cancel_at = atPeriodEnd ? currentPeriod(subscription).end : null;
  subscription.canceled_at = atPeriodEnd ? nowUnix : null;
  subscription.cancellation_details = {
    comment: subscription.cancellation_details?.comment ?? null,
    feedback: subscription.cancellation_details?.feedback ?? null,
    feedback_option: subscription.cancellation_details?.feedback_option ?? null,
    reason: atPeriodEnd ? 'cancellation_requested' : null,
  };
}

/** Ends the subscription now (`customer.subscription.deleted`). */
export function cancelSubscriptionNow(
  core: SimCore,
  subscription: Stripe.Subscription,
  reason: Stripe.Subscription.CancellationDetails.Reason,
  request: RequestInfo,
) {
  if (isEnded(subscription)) {
    throw invalidRequest(`No such subscription: '${subscription.id}'`, { code: 'resource_missing', status: 404 });
  }
  const now = core.clock.unix();
  subscription.status = 'canceled';
  subscription.canceled_at = subscription.canceled_at ?? now;
  subscription.ended_at = now;
  subscription.cancellation_details = {
    comment: subscription.cancellation_details?.comment ?? null,
    feedback: subscription.cancellation_details?.feedback ?? null,
    feedback_option: subscription.cancellation_details?.feedback_option ?? null,
    reason,
  };
  core.emit('customer.subscription.deleted', subscription, { request });
  return subscription;
}

/** Runs on every clock move: subscriptions set to cancel at period end end once it passes. */
export function endDueSubscriptions(core: SimCore) {
  const now = core.clock.unix();
  for (const subscription of core.state.subscriptions.values()) {
    if (!subscription.cancel_at_period_end || isEnded(subscription)) continue;
    if (currentPeriod(subscription).end <= now) {
      cancelSubscriptionNow(core, subscription, 'cancellation_requested', noRequest);
    }
  }
}

export function isEnded(subscription: Stripe.Subscription) {
  return subscription.status === 'canceled' || subscription.status === 'incomplete_expired';
}

function mergeMetadata(current: Stripe.Metadata, update: unknown): Stripe.Metadata {
  if (update === null) return {};
  const merged = { ...current };
  for (const [key, value] of Object.entries(update as Record<string, unknown>)) {
    if (value === '' || value === null) delete merged[key];
    else merged[key] = String(value);
  }
  return cleanMetadata(merged);
}
