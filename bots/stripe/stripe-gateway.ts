import Stripe from 'stripe';
import type { PaymentFact, SubscriptionStatus } from '../../core/commerce/payment-facts.ts';
import type { CheckoutCoupon, CheckoutRequest, HostedCheckout, ProviderSnapshot, StripeGateway } from '../../core/commerce/providers.ts';
import { describeStripeEvent, handledStripeEvents } from './stripe-events.ts';

/** The API version the webhook payloads and our reads are shaped by (the package pins it). */
export const STRIPE_API_VERSION = Stripe.API_VERSION;
const CHECKOUT_TTL_S = 23 * 3_600;

export type StripeGatewayOptions = {
  secretKey: string;
  /** `http://127.0.0.1:PORT` for the simulator or a proxy; Stripe's own API when absent. */
  apiUrl?: string | undefined;
  /** Where Stripe sends the member after paying or cancelling (a page that says "back to chat"). */
  returnUrl: string;
  timeoutMs?: number;
};

/** A Stripe client with our defaults: retried network errors, a bounded timeout, no telemetry. */
export function createStripeClient(options: Pick<StripeGatewayOptions, 'secretKey' | 'apiUrl' | 'timeoutMs'>): Stripe {
  const api = options.apiUrl ? new URL(options.apiUrl) : undefined;
  return new Stripe(options.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 2,
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    ...(api ? { host: api.hostname, port: Number(api.port || (api.protocol === 'https:' ? 443 : 80)), protocol: api.protocol.replace(':', '') as 'http' | 'https' } : {}),
  });
}

/**
 * The Stripe side of the payments port. Writes are keyed by Lyceum's ids (idempotency keys),
 * so a retried job or a double click never opens two sessions or refunds twice; reads turn
 * Stripe's current objects into ledger facts.
 */
export function createStripeGateway(options: StripeGatewayOptions): StripeGateway {
  const stripe = createStripeClient(options);
  return {
    async createCheckout(request) {
      return createCheckout(stripe, options.returnUrl, request);
    },
    readCheckout: (checkoutId) => readCheckout(stripe, checkoutId),
    describeEvent: (payload) => describeStripeEvent(stripe, payload),
    async *listEvents(since) {
      // Only the types Lyceum acts on (Stripe takes up to 20): the rest need no recovery.
      const listed = stripe.events.list({ created: { gte: Math.floor(since.getTime() / 1000) }, types: [...handledStripeEvents], limit: 100 });
      for await (const event of listed) {
        const object = event.data.object as { id?: string };
        yield { id: event.id, type: event.type, objectId: object.id, payload: event };
      }
    },
    async billingPortalUrl(customerRef) {
      return (await stripe.billingPortal.sessions.create({ customer: customerRef, return_url: options.returnUrl })).url;
    },
    async cancelAtPeriodEnd(input) {
      await stripe.subscriptions.update(input.subscriptionRef, { cancel_at_period_end: true }, { idempotencyKey: `cancel-at-end-${input.orderId}` });
      return readCheckout(stripe, input.checkoutId);
    },
    async refund(input) {
      for (const paymentRef of input.paymentRefs) {
        await stripe.refunds.create(
          { payment_intent: paymentRef, reason: 'requested_by_customer', metadata: { order_id: input.orderId } },
          { idempotencyKey: `refund-${input.orderId}-${paymentRef}` },
        );
      }
      if (input.subscriptionRef) await stripe.subscriptions.cancel(input.subscriptionRef, {}, { idempotencyKey: `cancel-${input.orderId}` });
      return readCheckout(stripe, input.checkoutId);
    },
  };
}

async function createCheckout(stripe: Stripe, returnUrl: string, request: CheckoutRequest): Promise<HostedCheckout> {
  const metadata = { order_id: request.orderId, community_id: request.communityId, member_id: request.memberId, product_id: request.productId };
  const subscription = request.kind === 'subscription' && request.interval;
  if (request.coupon) await ensureCoupon(stripe, request.coupon);
  const trial = subscription && request.trialDays > 0;
  // A trial without a card ends at its end unless the member adds one (Stripe cancels it then).
  const cardless = trial && !request.trialRequiresCard;
  const session = await stripe.checkout.sessions.create(
    {
      mode: subscription ? 'subscription' : 'payment',
      client_reference_id: request.orderId,
      metadata,
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: request.currency.toLowerCase(),
            unit_amount: request.amount,
            product_data: { name: request.productName, ...(request.productDescription ? { description: request.productDescription.slice(0, 500) } : {}) },
            ...(subscription ? { recurring: { interval: request.interval! } } : {}),
          },
        },
      ],
      ...(subscription
        ? {
            subscription_data: {
              metadata,
              ...(trial ? { trial_period_days: request.trialDays } : {}),
              ...(cardless ? { trial_settings: { end_behavior: { missing_payment_method: 'cancel' as const } } } : {}),
            },
            ...(cardless ? { payment_method_collection: 'if_required' as const } : {}),
          }
        : { payment_intent_data: { metadata } }),
      ...(request.coupon ? { discounts: [{ coupon: request.coupon.id }] } : {}),
      success_url: `${returnUrl}?result=paid`,
      cancel_url: `${returnUrl}?result=canceled`,
      locale: request.locale === 'zh' ? 'zh' : 'en',
      expires_at: Math.floor(Date.now() / 1000) + CHECKOUT_TTL_S,
    },
    { idempotencyKey: `checkout-${request.orderId}` },
  );
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
  return { checkoutId: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
}

/**
 * The Stripe coupon that mirrors a Lyceum coupon, under the same id. Lyceum keeps its limits,
 * expiry and eligibility itself: Stripe's copy only knows how much comes off and for how long.
 */
async function ensureCoupon(stripe: Stripe, coupon: CheckoutCoupon): Promise<void> {
  try {
    await stripe.coupons.create(
      {
        id: coupon.id,
        ...(coupon.percentOff !== null ? { percent_off: coupon.percentOff } : { amount_off: coupon.amountOff!, currency: coupon.currency!.toLowerCase() }),
        duration: coupon.duration,
        ...(coupon.duration === 'repeating' ? { duration_in_months: coupon.durationMonths! } : {}),
      },
      { idempotencyKey: `coupon-${coupon.id}` },
    );
  } catch (error) {
    // Made earlier (another checkout with the same code): it is the same coupon.
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_already_exists')) throw error;
  }
}

/** Everything Stripe says now about a checkout: payment or subscription, invoices, refunds, disputes. */
async function readCheckout(stripe: Stripe, checkoutId: string): Promise<ProviderSnapshot> {
  const session = await stripe.checkout.sessions.retrieve(checkoutId, { expand: ['payment_intent', 'subscription'] });
  const facts: PaymentFact[] = [];
  const customerRef = typeof session.customer === 'string' ? session.customer : session.customer?.id;
  const paymentRefs: string[] = [];
  if (session.mode === 'payment') {
    const intent = typeof session.payment_intent === 'object' ? session.payment_intent : null;
    if (session.payment_status === 'paid' && intent) {
      facts.push({ kind: 'charge', ref: intent.id, paymentRef: intent.id, amount: session.amount_total ?? intent.amount_received, currency: session.currency ?? intent.currency, occurredAt: new Date(intent.created * 1000), customerRef });
      paymentRefs.push(intent.id);
    } else if (session.status === 'complete' && intent && (intent.status === 'canceled' || intent.status === 'requires_payment_method')) {
      facts.push({ kind: 'checkout_closed', outcome: 'failed', reason: intent.last_payment_error?.message ?? 'the payment failed' });
    }
  } else if (session.mode === 'subscription' && typeof session.subscription === 'object' && session.subscription) {
    const sub = session.subscription;
    const status = subscriptionStatus(sub.status);
    if (status) {
      const periodEnd = sub.items.data[0]?.current_period_end;
      facts.push({ kind: 'subscription', ref: sub.id, status, currentPeriodEnd: periodEnd ? new Date(periodEnd * 1000) : null, cancelAtPeriodEnd: sub.cancel_at_period_end, canceledAt: sub.ended_at ? new Date(sub.ended_at * 1000) : null });
    }
    for await (const invoice of stripe.invoices.list({ subscription: sub.id, status: 'paid', limit: 100, expand: ['data.payments'] })) {
      const paymentRef = invoice.payments?.data.map((entry) => entry.payment.payment_intent).find(Boolean);
      const intentId = typeof paymentRef === 'string' ? paymentRef : paymentRef?.id;
      facts.push({ kind: 'charge', ref: invoice.id!, paymentRef: intentId, amount: invoice.amount_paid, currency: invoice.currency, occurredAt: new Date((invoice.status_transitions.paid_at ?? invoice.created) * 1000), customerRef });
      if (intentId) paymentRefs.push(intentId);
    }
  }
  if (session.status === 'expired' && !facts.some((fact) => fact.kind === 'charge' || fact.kind === 'subscription')) {
    facts.push({ kind: 'checkout_closed', outcome: 'expired', reason: 'the checkout expired' });
  }
  for (const paymentRef of paymentRefs) facts.push(...(await movementsOf(stripe, paymentRef)));
  return { facts };
}

/** Refunds and disputes on one payment. */
async function movementsOf(stripe: Stripe, paymentRef: string): Promise<PaymentFact[]> {
  const facts: PaymentFact[] = [];
  for await (const refund of stripe.refunds.list({ payment_intent: paymentRef, limit: 100 })) {
    if (refund.status !== 'succeeded') continue;
    facts.push({ kind: 'refund', ref: refund.id, paymentRef, amount: refund.amount, currency: refund.currency, occurredAt: new Date(refund.created * 1000) });
  }
  for await (const dispute of stripe.disputes.list({ payment_intent: paymentRef, limit: 100 })) {
    const status = dispute.status === 'won' ? 'won' : dispute.status === 'lost' ? 'lost' : 'open';
    // Inquiries and prevented disputes never withdraw funds: not a chargeback.
    if (dispute.status === 'prevented' || dispute.status.startsWith('warning_')) continue;
    facts.push({ kind: 'dispute', ref: dispute.id, status, amount: dispute.amount, currency: dispute.currency, occurredAt: new Date(dispute.created * 1000) });
  }
  return facts;
}

/** Stripe's subscription states in ours; `incomplete` (first payment not through) grants nothing yet. */
function subscriptionStatus(status: Stripe.Subscription.Status): SubscriptionStatus | undefined {
  switch (status) {
    case 'trialing':
      return 'trialing';
    case 'active':
      return 'active';
    case 'past_due':
      return 'past_due';
    case 'canceled':
      return 'canceled';
    // Retries exhausted, or a trial ended without a payment method: access ends, the
    // subscription may still come back (a later snapshot says so).
    case 'unpaid':
    case 'paused':
    case 'incomplete_expired':
      return 'expired';
    default:
      return undefined;
  }
}
