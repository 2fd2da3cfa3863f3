/**
 * The end of a trial whose customer never gave a payment method, as the subscription's
 * `trial_settings.end_behavior.missing_payment_method` says: `cancel` ends it at the trial end
 * (no invoice), `pause` moves it to `status: 'paused'` with `status_details.paused` (no invoices
 * until resumed; `pause_collection` is a different feature and stays null), and `create_invoice`
 * bills the first period anyway: the caller goes on with the cycle invoice, which cannot be
 * charged (the subscription goes past_due). Runs with the clock at the trial end.
 */
import type Stripe from 'stripe';
import type { ScriptResult } from './scripted-checkout.ts';
import { type SimCore, noRequest } from './state.ts';
import { cancelSubscriptionNow, updateSubscription } from './subscriptions.ts';

export function lacksPaymentMethod(core: SimCore, subscription: Stripe.Subscription): boolean {
  return core.state.subscriptionsWithoutPaymentMethod.has(subscription.id);
}

/** Ends the trial per `missing_payment_method`; undefined means "invoice as usual" (`create_invoice`). */
export function endTrialWithoutPaymentMethod(core: SimCore, subscription: Stripe.Subscription): ScriptResult | undefined {
  const behavior = subscription.trial_settings?.end_behavior.missing_payment_method ?? 'create_invoice';
  if (behavior === 'cancel') {
    // Stripe records this as a cancellation the merchant asked for (through trial_settings).
    cancelSubscriptionNow(core, subscription, 'cancellation_requested', noRequest);
    return { subscriptionId: subscription.id, invoiceId: null, paymentIntentId: null, chargeId: null, eventIds: [] };
  }
  if (behavior === 'pause') {
    const now = core.clock.unix();
    updateSubscription(
      core,
      subscription,
      (sub) => {
        sub.status = 'paused';
        sub.status_details = {
          paused: { subscription: { type: 'trial_end_without_payment_method' }, transitioned_at: now, type: 'subscription' },
        };
      },
      noRequest,
    );
    core.emit('customer.subscription.paused', subscription, { request: noRequest });
    return { subscriptionId: subscription.id, invoiceId: null, paymentIntentId: null, chargeId: null, eventIds: [] };
  }
  return undefined;
}
