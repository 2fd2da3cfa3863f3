/**
 * Billing life after checkout, driven by tests or the demo as if time passed or someone acted in
 * the dashboard (events carry `request.id: null`): renewals that pay or fail, cancellations,
 * refunds, disputes. A renewal happens at the period end: its objects and events are stamped
 * then, as with a Stripe test clock on that customer, but the sim clock itself does not move (so
 * other timestamps, e.g. a new session's `expires_at`, stay valid). A subscription set to cancel
 * at period end ends instead of renewing. Cycle invoices carry the subscription's discount while
 * its coupon duration lasts (discounts.ts); a trial that ends without a payment method follows
 * `trial_settings` (trial-end.ts), and a customer without one cannot be charged.
 */
import type Stripe from 'stripe';
import { addInterval } from './catalog.ts';
import { closeDispute as closeOpenDispute, openDispute } from './disputes.ts';
import { discountsForInvoice } from './discounts.ts';
import { createSubscriptionInvoice, failInvoiceWithoutPaymentMethod, finalizeInvoice, payInvoice } from './invoices.ts';
import { createRefund } from './refunds.ts';
import type { ScriptResult } from './scripted-checkout.ts';
import { type SimCore, noRequest } from './state.ts';
import {
  cancelSubscriptionNow,
  currentPeriod,
  getSubscription,
  isEnded,
  setCancelAtPeriodEnd,
  updateSubscription,
} from './subscriptions.ts';
import { endTrialWithoutPaymentMethod, lacksPaymentMethod } from './trial-end.ts';

/**
 * Starts the next period and charges its invoice; `fail` leaves it open and the subscription
 * past_due. On a past_due subscription it is Stripe's automatic retry of the open invoice
 * instead: no new period, the same invoice charged again.
 */
export function renewSubscription(core: SimCore, subscriptionId: string, outcome: 'succeed' | 'fail' = 'succeed'): ScriptResult {
  const subscription = getSubscription(core, subscriptionId);
  if (isEnded(subscription) || subscription.status === 'incomplete' || subscription.status === 'paused') {
    throw new Error(`subscription ${subscriptionId} is ${subscription.status}; it cannot renew`);
  }
  const openInvoice = core.state.invoices.get(String(subscription.latest_invoice));
  if (subscription.status === 'past_due' && openInvoice?.status === 'open') {
    return chargeCycleInvoice(core, subscription, openInvoice, outcome);
  }
  const old = currentPeriod(subscription);
  return core.clock.during(old.end * 1000, () => startNextPeriod(core, subscription, old, outcome));
}

/** The trial of `subscriptionId` reaches its end: what `renewSubscription` does to a trialing subscription. */
export function endTrial(core: SimCore, subscriptionId: string, outcome: 'succeed' | 'fail' = 'succeed'): ScriptResult {
  const subscription = getSubscription(core, subscriptionId);
  if (subscription.status !== 'trialing') {
    throw new Error(`subscription ${subscriptionId} is ${subscription.status}, not trialing`);
  }
  return renewSubscription(core, subscriptionId, outcome);
}

function startNextPeriod(
  core: SimCore,
  subscription: Stripe.Subscription,
  old: { start: number; end: number },
  outcome: 'succeed' | 'fail',
): ScriptResult {
  if (subscription.cancel_at_period_end) {
    cancelSubscriptionNow(core, subscription, 'cancellation_requested', noRequest);
    return { subscriptionId: subscription.id, eventIds: [] };
  }
  if (subscription.status === 'trialing' && lacksPaymentMethod(core, subscription)) {
    const ended = endTrialWithoutPaymentMethod(core, subscription);
    if (ended) return ended;
  }
  const recurring = subscription.items.data[0]?.price.recurring;
  const next = { start: old.end, end: addInterval(old.end, recurring?.interval ?? 'month', recurring?.interval_count ?? 1) };
  const lines = subscription.items.data.map((item) => ({
    price: item.price,
    quantity: item.quantity ?? 1,
    subscriptionItem: item.id,
    period: next,
  }));
  const discounts = discountsForInvoice(core, subscription, next.start);
  const invoice = createSubscriptionInvoice(
    core,
    subscription,
    { reason: 'subscription_cycle', lines, period: old, discount: discounts.apply },
    noRequest,
  );
  updateSubscription(
    core,
    subscription,
    (sub) => {
      sub.items = {
        ...sub.items,
        data: sub.items.data.map((item) => ({ ...item, current_period_start: next.start, current_period_end: next.end })),
      };
      sub.latest_invoice = invoice.id;
      sub.discounts = discounts.remaining;
      if (sub.status === 'trialing') sub.status = 'active';
    },
    noRequest,
  );
  finalizeInvoice(core, invoice, noRequest);
  return chargeCycleInvoice(core, subscription, invoice, outcome);
}

function chargeCycleInvoice(
  core: SimCore,
  subscription: Stripe.Subscription,
  invoice: Stripe.Invoice,
  outcome: 'succeed' | 'fail',
): ScriptResult {
  let paid: ReturnType<typeof payInvoice> | undefined;
  let unpaidIntent: Stripe.PaymentIntent | undefined;
  if (invoice.status !== 'paid' && lacksPaymentMethod(core, subscription)) {
    unpaidIntent = failInvoiceWithoutPaymentMethod(core, invoice, noRequest);
  } else if (invoice.status !== 'paid') {
    paid = payInvoice(core, invoice, outcome === 'succeed' ? 'succeeded' : 'failed', noRequest);
  }
  const status: Stripe.Subscription.Status = invoice.status === 'paid' ? 'active' : 'past_due';
  if (subscription.status !== status) updateSubscription(core, subscription, (sub) => (sub.status = status), noRequest);
  return {
    subscriptionId: subscription.id,
    invoiceId: invoice.id,
    paymentIntentId: paid?.intent.id ?? unpaidIntent?.id ?? null,
    chargeId: paid?.charge.id ?? null,
    eventIds: [],
  };
}

/** The customer (or support in the dashboard) cancels: now, or at the end of the period. */
export function cancelSubscription(core: SimCore, subscriptionId: string, options: { atPeriodEnd?: boolean } = {}): ScriptResult {
  const subscription = getSubscription(core, subscriptionId);
  if (options.atPeriodEnd) {
    updateSubscription(core, subscription, (sub) => setCancelAtPeriodEnd(sub, true, core.clock.unix()), noRequest);
  } else {
    cancelSubscriptionNow(core, subscription, 'cancellation_requested', noRequest);
  }
  return { subscriptionId, eventIds: [] };
}

/** A refund made in the dashboard; `target` is a charge (`ch_`) or PaymentIntent (`pi_`) id. */
export function refundPayment(
  core: SimCore,
  target: string,
  amount?: number,
  reason?: Stripe.RefundCreateParams.Reason,
): ScriptResult {
  const params: Stripe.RefundCreateParams = target.startsWith('pi_') ? { payment_intent: target } : { charge: target };
  if (amount !== undefined) params.amount = amount;
  if (reason) params.reason = reason;
  const refund = createRefund(core, params, noRequest);
  return { refundId: refund.id, chargeId: String(refund.charge), eventIds: [] };
}

/** The cardholder's bank opens a dispute; the amount is withdrawn at once. */
export function disputeCharge(core: SimCore, chargeId: string, reason?: string): ScriptResult {
  const dispute = openDispute(core, chargeId, reason);
  return { disputeId: dispute.id, chargeId, eventIds: [] };
}

/** The bank decides: `won` reinstates the funds, `lost` keeps them withdrawn. */
export function settleDispute(core: SimCore, disputeId: string, outcome: 'won' | 'lost'): ScriptResult {
  const dispute = closeOpenDispute(core, disputeId, outcome);
  return { disputeId, chargeId: String(dispute.charge), eventIds: [] };
}
