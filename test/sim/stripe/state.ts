/**
 * Everything the simulator knows, as the Stripe objects themselves (typed by the stripe package).
 * Handlers mutate these in place; responses and event payloads are deep copies, so an event's
 * `data.object` stays frozen at creation as Stripe's does.
 */
import type Stripe from 'stripe';
import type { SimClock } from './clock.ts';

export type RequestInfo = { id: string | null; idempotency_key: string | null };

/** One API request as the sim saw it, for assertions. */
export interface ApiCall {
  requestId: string;
  method: string;
  path: string;
  params: Record<string, unknown>;
  status: number;
  idempotencyKey: string | null;
  replayed: boolean;
  at: number;
}

export interface SimState {
  sessions: Map<string, Stripe.Checkout.Session>;
  sessionLineItems: Map<string, Stripe.LineItem[]>;
  /** The create params behind each session (subscription_data, payment_intent_data...). */
  sessionParams: Map<string, Stripe.Checkout.SessionCreateParams>;
  customers: Map<string, Stripe.Customer>;
  products: Map<string, Stripe.Product>;
  prices: Map<string, Stripe.Price>;
  subscriptions: Map<string, Stripe.Subscription>;
  invoices: Map<string, Stripe.Invoice>;
  /** Invoice id -> its payments (listed on the invoice when `payments` is expanded). */
  invoicePayments: Map<string, Stripe.InvoicePayment[]>;
  paymentIntents: Map<string, Stripe.PaymentIntent>;
  charges: Map<string, Stripe.Charge>;
  refunds: Map<string, Stripe.Refund>;
  disputes: Map<string, Stripe.Dispute>;
  portalSessions: Map<string, Stripe.BillingPortal.Session>;
  /** Every coupon ever created, deleted ones too (their ids are in `deletedCoupons`). */
  coupons: Map<string, Stripe.Coupon>;
  deletedCoupons: Set<string>;
  /** Subscription-level discounts (`di_...`), reached through `subscription.discounts`. */
  discounts: Map<string, Stripe.Discount>;
  /** The coupon as it was when each discount was made (a deleted coupon's id can be reused). */
  discountCoupons: Map<string, Stripe.Coupon>;
  /** Subscriptions whose customer finished Checkout without giving a payment method. */
  subscriptionsWithoutPaymentMethod: Set<string>;
  /** Oldest first; GET /v1/events lists them newest first. */
  events: Stripe.Event[];
  calls: ApiCall[];
}

export function createState(): SimState {
  return {
    sessions: new Map(),
    sessionLineItems: new Map(),
    sessionParams: new Map(),
    customers: new Map(),
    products: new Map(),
    prices: new Map(),
    subscriptions: new Map(),
    invoices: new Map(),
    invoicePayments: new Map(),
    paymentIntents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    disputes: new Map(),
    portalSessions: new Map(),
    coupons: new Map(),
    deletedCoupons: new Set(),
    discounts: new Map(),
    discountCoupons: new Map(),
    subscriptionsWithoutPaymentMethod: new Set(),
    events: [],
    calls: [],
  };
}

/** The object behind any id the sim issued (used by `expand`), or undefined. */
export function findObject(state: SimState, id: string): { object: string } | undefined {
  const maps = [
    state.sessions,
    state.customers,
    state.products,
    state.prices,
    state.subscriptions,
    state.invoices,
    state.paymentIntents,
    state.charges,
    state.refunds,
    state.disputes,
    state.discounts,
    state.coupons, // last: coupon ids are chosen by the caller
  ] as const;
  for (const map of maps) {
    const found = (map as Map<string, { object: string }>).get(id);
    if (found) return found;
  }
  return undefined;
}

/**
 * What the resources, the router and the scripted customer share: state, clock, the sim's own
 * base URL (known once listening) and the event sink.
 */
export interface SimCore {
  state: SimState;
  clock: SimClock;
  baseUrl(): string;
  emit<T extends Stripe.Event['type']>(
    type: T,
    object: Extract<Stripe.Event, { type: T }>['data']['object'],
    options?: { previous?: Record<string, unknown>; request?: RequestInfo },
  ): Stripe.Event;
}

/** The request info carried by events that no API request caused (dashboard, automatic). */
export const noRequest: RequestInfo = { id: null, idempotency_key: null };

/** Deep copy for responses and event payloads. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}
