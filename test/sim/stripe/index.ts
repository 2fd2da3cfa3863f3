/**
 * A local Stripe for tests and the demo: the real `stripe` client talks to it over HTTP.
 *
 *   const sim = await startStripeSim();
 *   const stripe = new Stripe(sim.secretKey, { ...sim.clientOptions, maxNetworkRetries: 0 });
 *   const secret = sim.addWebhookEndpoint('http://127.0.0.1:4000/stripe/webhook');
 *   const session = await stripe.checkout.sessions.create({ ... });
 *   sim.completeCheckout(session.id);          // the customer pays
 *   await sim.webhooks.idle();                 // every delivery (and retry) has finished
 *   await sim.close();
 *
 * See server.ts (wire behaviour), webhooks.ts (delivery controls), scripted-*.ts (the customer).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { expireDueSessions } from './checkout-sessions.ts';
import { SimClock } from './clock.ts';
import { readCoupon } from './coupons.ts';
import { apiVersion, buildEvent } from './events.ts';
import { type FaultRule, FaultPlan } from './faults.ts';
import { handleHostedPage } from './hosted-pages.ts';
import { IdempotencyStore } from './idempotency.ts';
import { randomToken } from './ids.ts';
import {
  cancelSubscription,
  disputeCharge,
  endTrial,
  refundPayment,
  renewSubscription,
  settleDispute,
} from './scripted-billing.ts';
import {
  type CompleteCheckoutOptions,
  type ScriptResult,
  abandonCheckout,
  completeCheckout,
  settleAsyncPayment,
} from './scripted-checkout.ts';
import { handleApiRequest } from './server.ts';
import { type ApiCall, type SimCore, createState, snapshot } from './state.ts';
import { endDueSubscriptions } from './subscriptions.ts';
import { type DeliveryAttempt, WebhookDelivery } from './webhooks.ts';

export type { ApiCall, CompleteCheckoutOptions, DeliveryAttempt, FaultRule, ScriptResult };
export { apiVersion };

export interface StripeSimOptions {
  /** Defaults to a fresh `sk_test_sim_...`. */
  secretKey?: string;
  /** Defaults to 0 (any free port). */
  port?: number;
  /** Wait before each webhook retry; the length is the number of retries. Default [50, 200, 1000]. */
  retryDelaysMs?: number[];
  /** How long a webhook receiver may take to answer. Default 5000. */
  webhookTimeoutMs?: number;
  /** Sim clock start. Default: real now. */
  startAt?: Date | number;
}

/** Options to spread into `new Stripe(secretKey, { ...clientOptions })`. */
export interface SimClientOptions {
  host: string;
  port: number;
  protocol: 'http';
  apiVersion: typeof apiVersion;
  telemetry: false;
  maxNetworkRetries: number;
}

export type StripeSim = Awaited<ReturnType<typeof startStripeSim>>;

export async function startStripeSim(options: StripeSimOptions = {}) {
  const secretKey = options.secretKey ?? `sk_test_sim_${randomToken(24)}`;
  const clock = new SimClock();
  if (options.startAt !== undefined) clock.set(options.startAt);
  const state = createState();
  const delivery = new WebhookDelivery(clock, {
    retryDelaysMs: options.retryDelaysMs ?? [50, 200, 1000],
    timeoutMs: options.webhookTimeoutMs ?? 5000,
  });
  let baseUrl = '';
  const core: SimCore = {
    state,
    clock,
    baseUrl: () => baseUrl,
    emit(type, object, { previous, request } = {}) {
      const event = buildEvent({
        type,
        object,
        ...(previous ? { previous } : {}),
        ...(request ? { request } : {}),
        created: clock.unix(),
        pendingWebhooks: delivery.countFor(type),
      });
      state.events.push(event);
      delivery.enqueue(event);
      return event;
    },
  };
  const unsubscribe = clock.onChange(() => {
    expireDueSessions(core);
    endDueSubscriptions(core);
  });
  const idempotency = new IdempotencyStore(clock);
  const faults = new FaultPlan();
  let latencyMs = 0;

  /** Runs a scripted action and reports the events it created. */
  const script = (action: () => ScriptResult): ScriptResult => {
    const before = state.events.length;
    const result = action();
    return { ...result, eventIds: state.events.slice(before).map((event) => event.id) };
  };

  const server = http.createServer((req, res) => {
    if (handleHostedPage({ core, pay: (id) => completeCheckout(core, id) }, req, res)) return;
    handleApiRequest({ core, secretKey, idempotency, faults, latencyMs: () => latencyMs }, req, res).catch((error) => {
      console.error('[stripe-sim] request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = '127.0.0.1';
  baseUrl = `http://${host}:${port}`;
  const clientOptions: SimClientOptions = { host, port, protocol: 'http', apiVersion, telemetry: false, maxNetworkRetries: 0 };

  return {
    url: baseUrl,
    host,
    port,
    secretKey,
    clientOptions,
    clock,

    /** Subscribes `url` to `events` (default all); returns its `whsec_...` signing secret. */
    addWebhookEndpoint(url: string, endpoint: { secret?: string; events?: string[] } = {}): string {
      return delivery.addEndpoint(url, endpoint).secret;
    },
    removeWebhookEndpoint: (url: string) => delivery.removeEndpoint(url),

    /** Delivery controls and the record of every attempt (see webhooks.ts). */
    webhooks: {
      deliverTwice: () => delivery.deliverTwice(),
      deliverTimes: (n: number) => delivery.deliverTimes(n),
      sendConcurrentCopies: (n: number) => delivery.sendConcurrentCopies(n),
      delay: (ms: number) => delivery.delay(ms),
      drop: (filter: { types?: string[]; next?: number }) => delivery.drop(filter),
      hold: () => delivery.hold(),
      held: () => delivery.heldEvents().map((event) => event.id),
      release: (order?: { order?: 'created' | 'reverse'; ids?: string[] }) => delivery.release(order),
      redeliver(eventId: string) {
        const event = state.events.find((candidate) => candidate.id === eventId);
        if (!event) throw new Error(`no event ${eventId}`);
        return delivery.redeliver(event);
      },
      reset: () => delivery.reset(),
      idle: () => delivery.idle(),
      attempts: (): readonly DeliveryAttempt[] => delivery.attempts,
      dropped: (): readonly string[] => delivery.dropped,
    },

    /** Outages on demand (see faults.ts). */
    failNext: (rule: FaultRule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    /** Every request holds its idempotency key this long while executing (race tests). */
    setLatency(ms: number) {
      latencyMs = ms;
    },

    // The scripted customer, bank and dashboard (see scripted-checkout.ts, scripted-billing.ts).
    completeCheckout: (sessionId: string, opts?: CompleteCheckoutOptions) =>
      script(() => completeCheckout(core, sessionId, opts)),
    settleAsyncPayment: (sessionId: string, outcome: 'succeed' | 'fail') =>
      script(() => settleAsyncPayment(core, sessionId, outcome)),
    abandonCheckout: (sessionId: string) => script(() => abandonCheckout(core, sessionId)),
    renewSubscription: (subscriptionId: string) => script(() => renewSubscription(core, subscriptionId, 'succeed')),
    /**
     * The trial ends (a trialing subscription's renewal): charged with a card; without one, as
     * `trial_settings.end_behavior.missing_payment_method` says (canceled, paused, or past_due).
     */
    endTrial: (subscriptionId: string) => script(() => endTrial(core, subscriptionId)),
    failRenewal: (subscriptionId: string) => script(() => renewSubscription(core, subscriptionId, 'fail')),
    cancelSubscription: (subscriptionId: string, opts?: { atPeriodEnd?: boolean }) =>
      script(() => cancelSubscription(core, subscriptionId, opts)),
    refund: (chargeOrPaymentIntent: string, amount?: number, reason?: Stripe.RefundCreateParams.Reason) =>
      script(() => refundPayment(core, chargeOrPaymentIntent, amount, reason)),
    dispute: (chargeId: string, reason?: string) => script(() => disputeCharge(core, chargeId, reason)),
    closeDispute: (disputeId: string, outcome: 'won' | 'lost') => script(() => settleDispute(core, disputeId, outcome)),

    // Read-only views of state (copies).
    session: (id: string) => copyOf(state.sessions.get(id)),
    subscription: (id: string) => copyOf(state.subscriptions.get(id)),
    invoice: (id: string) => copyOf(state.invoices.get(id)),
    charge: (id: string) => copyOf(state.charges.get(id)),
    paymentIntent: (id: string) => copyOf(state.paymentIntents.get(id)),
    /** A coupon, deleted ones too (then `valid: false`), with `valid` as of the sim clock. */
    coupon: (id: string) => copyOf(readCoupon(core, id)),
    coupons: () => [...state.coupons.keys()].map((id) => copyOf(readCoupon(core, id))),
    /** A subscription's Discount (`di_...`, as listed in `subscription.discounts`). */
    discount: (id: string) => copyOf(state.discounts.get(id)),
    refunds: () => [...state.refunds.values()].map(snapshot),
    disputes: () => [...state.disputes.values()].map(snapshot),
    customers: () => [...state.customers.values()].map(snapshot),
    sessions: () => [...state.sessions.values()].map(snapshot),
    subscriptions: () => [...state.subscriptions.values()].map(snapshot),
    charges: () => [...state.charges.values()].map(snapshot),
    /** Every event, oldest first; `type` filters. */
    events: (type?: Stripe.Event['type']): Stripe.Event[] =>
      state.events.filter((event) => !type || event.type === type).map(snapshot),
    /** Every /v1 request the sim answered, oldest first. */
    calls: (): readonly ApiCall[] => state.calls,

    /** Stops the server, all webhook timers and in-flight deliveries. */
    async close(): Promise<void> {
      unsubscribe();
      delivery.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function copyOf<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('no such object in the Stripe sim');
  return snapshot(value);
}
