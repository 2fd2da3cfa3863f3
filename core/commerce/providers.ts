import type { PaymentFact } from './payment-facts.ts';

/** What a hosted checkout needs to know about the order it collects money for. */
export type CheckoutRequest = {
  orderId: string;
  communityId: string;
  memberId: string;
  productId: string;
  productName: string;
  productDescription: string;
  kind: 'one_time' | 'subscription';
  interval: 'week' | 'month' | 'year' | null;
  /** Free days before the first payment: the member's one trial, or 0. */
  trialDays: number;
  /** Whether the trial needs a card on file (it then renews paid); without one it ends unless a card is added. */
  trialRequiresCard: boolean;
  /** The list price: minor units of `currency` (the coupon's discount is Stripe's to apply). */
  amount: number;
  currency: string;
  /** A Lyceum coupon, made a Stripe coupon of the same id and applied to the session. */
  coupon?: CheckoutCoupon | undefined;
  locale: 'en' | 'zh';
};

export type CheckoutCoupon = {
  id: string;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  duration: 'once' | 'repeating' | 'forever';
  durationMonths: number | null;
};

export type HostedCheckout = { checkoutId: string; url: string; expiresAt: Date };

/** A payment or subscription's current state at the provider, as ledger facts. */
export type ProviderSnapshot = { facts: PaymentFact[] };

/**
 * Stripe, behind a port so core never imports the SDK. Every call is idempotent: checkout
 * creation and refunds are keyed by Lyceum's own ids, reads have no effect.
 */
export interface StripeGateway {
  /** Creates (or, for a retried call, returns again) the Checkout Session for a pending order. */
  createCheckout(request: CheckoutRequest): Promise<HostedCheckout>;
  /** Everything Stripe now says about the order's checkout: payment, subscription, refunds, disputes. */
  readCheckout(checkoutId: string): Promise<ProviderSnapshot>;
  /** A Stripe billing portal link for the customer (update card, invoices, cancel). */
  billingPortalUrl(customerRef: string): Promise<string>;
  /** Stops the subscription renewing at its period's end (cancel_at_period_end), then reads it back. */
  cancelAtPeriodEnd(request: { orderId: string; checkoutId: string; subscriptionRef: string }): Promise<ProviderSnapshot>;
  /** The order (Lyceum's id in metadata) or payment an event is about; may read Stripe to find out. */
  describeEvent(payload: unknown): Promise<StripeEventRefs>;
  /** Stripe's events created after `since` (GET /v1/events, oldest first), for the sweep. */
  listEvents(since: Date): AsyncIterable<{ id: string; type: string; objectId: string | undefined; payload: unknown }>;
  /**
   * Refunds the order's payments in full (and ends its subscription now), then reads the
   * checkout again: the ledger follows from what Stripe answers, not from the request.
   */
  refund(request: { orderId: string; checkoutId: string; paymentRefs: string[]; subscriptionRef?: string | undefined }): Promise<ProviderSnapshot>;
}

/** What a Stripe event is about; `handled: false` for types Lyceum does not act on. */
export type StripeEventRefs = {
  handled: boolean;
  orderId?: string | undefined;
  paymentRef?: string | undefined;
  subscriptionRef?: string | undefined;
};

/** Telegram Stars refunds go through the Bot API of the bot that took the payment. */
export interface StarsGateway {
  /** Refunds one charge; resolves too when Telegram says it was already refunded. */
  refund(userId: string, chargeId: string): Promise<void>;
  /** Stops a Stars subscription from renewing (editUserStarSubscription), named by its first charge. */
  cancelSubscription(userId: string, firstChargeId: string): Promise<void>;
  /** The bot's incoming Stars payments since `since`, newest first (getStarTransactions). */
  listPayments(since: Date): AsyncIterable<StarsPayment>;
}

/** One incoming Stars payment as Telegram's transaction list shows it. */
export type StarsPayment = { chargeId: string; userId: string; amount: number; payload: string; paidAt: Date; subscriptionPeriodS?: number | undefined };

/** The providers this process can use; `sandbox` is off in production. */
export type PaymentProviders = { stripe?: StripeGateway | undefined; stars?: StarsGateway | undefined; sandbox: boolean };
