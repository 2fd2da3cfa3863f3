/**
 * The scripted customer at the Checkout page: pays (card, or an async method that settles later),
 * leaves without giving a card when nothing is due and the session allows it, or walks away.
 * Produces the objects and events Stripe would: in payment mode a PaymentIntent and Charge (none
 * for a no-cost order); in subscription mode a Customer, Subscription (incomplete -> active, or
 * trialing) with the session's coupon as its Discount, and first Invoice paid through
 * `invoice.payments`. Completing a session counts a redemption of its coupon.
 */
import type Stripe from 'stripe';
import { cleanMetadata } from './catalog.ts';
import { amountDueNow, sessionCoupon } from './checkout-discounts.ts';
import { expireSession, getSession } from './checkout-sessions.ts';
import { redeemCoupon } from './coupons.ts';
import { createCustomer } from './customers.ts';
import { buildSubscriptionDiscount } from './discounts.ts';
import { completeInvoicePayment, createSubscriptionInvoice, finalizeInvoice, getInvoice, payInvoice } from './invoices.ts';
import { attemptPayment, createPaymentIntent, settlePayment } from './payments.ts';
import { getPaymentIntent } from './refunds.ts';
import { type SimCore, noRequest } from './state.ts';
import { buildSubscription, currentPeriod, updateSubscription } from './subscriptions.ts';

export interface CompleteCheckoutOptions {
  /** An async payment method: `pending` leaves it processing for `settleAsyncPayment`. */
  asyncPayment?: 'succeed' | 'fail' | 'pending';
  email?: string;
  name?: string;
  /**
   * `false`: the customer gives no payment method. Only possible in subscription mode with
   * `payment_method_collection: 'if_required'` and nothing due now (a trial, or a 100% coupon).
   * Default true (a test card).
   */
  paymentMethod?: boolean;
}

/** What a scripted action created; `eventIds` in creation order. */
export interface ScriptResult {
  sessionId?: string;
  customerId?: string | null;
  paymentIntentId?: string | null;
  chargeId?: string | null;
  subscriptionId?: string | null;
  invoiceId?: string | null;
  refundId?: string;
  disputeId?: string;
  eventIds: string[];
}

export function completeCheckout(core: SimCore, sessionId: string, options: CompleteCheckoutOptions = {}): ScriptResult {
  const session = getSession(core, sessionId);
  if (session.status !== 'open') throw new Error(`checkout session ${sessionId} is ${session.status}, not open`);
  if (options.paymentMethod === false) checkNoPaymentMethodAllowed(core, session, options);
  if (session.mode === 'payment' && (session.amount_total ?? 0) === 0 && options.asyncPayment) {
    throw new Error(`checkout session ${sessionId} is a no-cost order: there is no payment to make async`);
  }
  const email = options.email ?? session.customer_email ?? 'sim.customer@example.com';
  const name = options.name ?? 'Sim Customer';
  let customerId = typeof session.customer === 'string' ? session.customer : null;
  if (!customerId && (session.mode === 'subscription' || session.customer_creation === 'always')) {
    customerId = createCustomer(core, { email, name }, noRequest).id;
  }
  session.customer = customerId;
  session.customer_details = {
    address: null,
    business_name: null,
    email,
    individual_name: null,
    name,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  const result =
    session.mode === 'subscription'
      ? paySubscription(core, session, customerId ?? '', options)
      : payOnce(core, session, customerId, email, options);
  session.status = 'complete';
  session.url = null;
  const coupon = sessionCoupon(core, session);
  if (coupon) redeemCoupon(core, coupon.id);
  core.emit('checkout.session.completed', session, { request: noRequest });
  if (options.asyncPayment === 'succeed' || options.asyncPayment === 'fail') {
    settleAsyncPayment(core, sessionId, options.asyncPayment);
  }
  return { sessionId, customerId, ...result, eventIds: [] };
}

function payOnce(
  core: SimCore,
  session: Stripe.Checkout.Session,
  customerId: string | null,
  email: string,
  options: CompleteCheckoutOptions,
) {
  if ((session.amount_total ?? 0) === 0) {
    // A no-cost order (a 100% coupon): Checkout completes it without a PaymentIntent.
    session.payment_status = 'no_payment_required';
    return { paymentIntentId: null, chargeId: null, subscriptionId: null, invoiceId: null };
  }
  const params = core.state.sessionParams.get(session.id);
  const intent = createPaymentIntent(core, {
    amount: session.amount_total ?? 0,
    currency: session.currency ?? 'usd',
    customer: customerId,
    email,
    description: params?.payment_intent_data?.description ?? null,
    metadata: cleanMetadata(params?.payment_intent_data?.metadata),
  }, noRequest);
  const charge = attemptPayment(core, intent, options.asyncPayment ? 'processing' : 'succeeded', noRequest);
  session.payment_intent = intent.id;
  session.payment_status = options.asyncPayment ? 'unpaid' : 'paid';
  return { paymentIntentId: intent.id, chargeId: charge.id, subscriptionId: null, invoiceId: null };
}

function paySubscription(core: SimCore, session: Stripe.Checkout.Session, customerId: string, options: CompleteCheckoutOptions) {
  const params = core.state.sessionParams.get(session.id);
  const lineItems = core.state.sessionLineItems.get(session.id) ?? [];
  const trialDays = params?.subscription_data?.trial_period_days ?? null;
  const recurring = lineItems.filter((item) => item.price?.recurring);
  const subscription = buildSubscription(core, {
    customer: customerId,
    prices: recurring.map((item) => ({ price: item.price as Stripe.Price, quantity: item.quantity ?? 1 })),
    metadata: cleanMetadata(params?.subscription_data?.metadata),
    trialDays,
    status: trialDays ? 'trialing' : 'incomplete',
    ...(params?.subscription_data?.trial_settings
      ? { missingPaymentMethod: params.subscription_data.trial_settings.end_behavior.missing_payment_method }
      : {}),
  });
  if (options.paymentMethod === false) core.state.subscriptionsWithoutPaymentMethod.add(subscription.id);
  const coupon = sessionCoupon(core, session);
  const discount = coupon ? buildSubscriptionDiscount(core, coupon, subscription) : null;
  if (discount) subscription.discounts = [discount.id];
  const period = currentPeriod(subscription);
  const lines = lineItems.map((item) => {
    const subscriptionItem = subscription.items.data.find((si) => si.price.id === item.price?.id);
    return {
      price: item.price as Stripe.Price,
      quantity: item.quantity ?? 1,
      subscriptionItem: subscriptionItem?.id ?? null,
      period: subscriptionItem ? period : { start: period.start, end: period.start },
      ...(trialDays && subscriptionItem ? { amount: 0 } : {}),
    };
  });
  const invoice = createSubscriptionInvoice(
    core,
    subscription,
    { reason: 'subscription_create', lines, period: { start: period.start, end: period.start }, discount },
    noRequest,
  );
  subscription.latest_invoice = invoice.id;
  // Created together on Stripe: the subscription's first payload already names its invoice.
  core.emit('customer.subscription.created', subscription, { request: noRequest });
  if (discount) core.emit('customer.discount.created', discount, { request: noRequest });
  finalizeInvoice(core, invoice, noRequest);
  let paymentIntentId: string | null = null;
  let chargeId: string | null = null;
  if (invoice.status !== 'paid') {
    const paid = payInvoice(core, invoice, options.asyncPayment ? 'processing' : 'succeeded', noRequest);
    paymentIntentId = paid.intent.id;
    chargeId = paid.charge.id;
  }
  if (invoice.status === 'paid' && subscription.status === 'incomplete') {
    updateSubscription(core, subscription, (sub) => (sub.status = 'active'), noRequest);
  }
  session.subscription = subscription.id;
  session.invoice = invoice.id;
  session.payment_status = invoice.status === 'paid' ? (invoice.amount_due === 0 ? 'no_payment_required' : 'paid') : 'unpaid';
  return { paymentIntentId, chargeId, subscriptionId: subscription.id, invoiceId: invoice.id };
}

/** A customer can skip the payment method only where Checkout would not ask for one. */
function checkNoPaymentMethodAllowed(core: SimCore, session: Stripe.Checkout.Session, options: CompleteCheckoutOptions) {
  const refuse = (why: string) => {
    throw new Error(`checkout session ${session.id} ${why}: Checkout would collect a payment method`);
  };
  if (session.mode !== 'subscription') refuse(`is in ${session.mode} mode`);
  if (session.payment_method_collection !== 'if_required') {
    refuse(`has payment_method_collection '${session.payment_method_collection}'`);
  }
  const due = amountDueNow(core, session);
  if (due > 0) refuse(`has ${due} ${session.currency} due now`);
  if (options.asyncPayment) refuse('was given asyncPayment too');
}

/** Settles a session paid by an async method: `checkout.session.async_payment_succeeded|failed`. */
export function settleAsyncPayment(core: SimCore, sessionId: string, outcome: 'succeed' | 'fail'): ScriptResult {
  const session = getSession(core, sessionId);
  const succeeded = outcome === 'succeed';
  const invoice = session.mode === 'subscription' && session.invoice ? getInvoice(core, String(session.invoice)) : null;
  const intentId = invoice ? invoicePaymentIntent(core, invoice.id) : session.payment_intent;
  if (typeof intentId !== 'string') throw new Error(`session ${sessionId} has no payment in flight`);
  const intent = getPaymentIntent(core, intentId);
  const charge = settlePayment(core, intent, succeeded, noRequest);
  if (invoice) {
    completeInvoicePayment(core, invoice, succeeded, noRequest);
    const subscription = core.state.subscriptions.get(String(session.subscription));
    if (succeeded && subscription?.status === 'incomplete') {
      updateSubscription(core, subscription, (sub) => (sub.status = 'active'), noRequest);
    }
  }
  if (succeeded) session.payment_status = 'paid';
  core.emit(succeeded ? 'checkout.session.async_payment_succeeded' : 'checkout.session.async_payment_failed', session, {
    request: noRequest,
  });
  return { sessionId, paymentIntentId: intent.id, chargeId: charge.id, eventIds: [] };
}

/** The customer closes the page and the session expires (`checkout.session.expired`). */
export function abandonCheckout(core: SimCore, sessionId: string): ScriptResult {
  expireSession(core, sessionId);
  return { sessionId, eventIds: [] };
}

function invoicePaymentIntent(core: SimCore, invoiceId: string): string | null {
  const payments = core.state.invoicePayments.get(invoiceId) ?? [];
  const latest = payments.at(-1)?.payment;
  return latest?.type === 'payment_intent' ? String(latest.payment_intent) : null;
}
