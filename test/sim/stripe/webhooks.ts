/**
 * Webhook delivery. Default: every event goes once, promptly, to each endpoint subscribed to its
 * type; a non-2xx answer or connection error is retried after each of `retryDelaysMs`, and the
 * event's `pending_webhooks` drops when an endpoint first answers 2xx. Tests can bend delivery the
 * ways Stripe is documented to: duplicates, concurrent copies, held and reordered events, dropped
 * events (only GET /v1/events finds them), delays, manual redelivery. Modes last until `reset()`.
 */
import type http from 'node:http';
import type Stripe from 'stripe';
import type { SimClock } from './clock.ts';
import { newId, randomToken } from './ids.ts';
import { type AttemptResult, postWebhook, signPayload } from './webhook-transport.ts';

export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
  /** Event types it receives; `['*']` for all. */
  events: string[];
}

/** One POST to one endpoint, for assertions. */
export interface DeliveryAttempt {
  eventId: string;
  type: string;
  endpointUrl: string;
  /** 1 for the first try of a delivery, 2+ for its retries. */
  attempt: number;
  /** `'retry'` attempts follow failures; `'copy'` are deliberate duplicates; `'manual'` from redeliver(). */
  kind: 'first' | 'retry' | 'copy' | 'concurrent' | 'manual';
  status: number | null;
  error: string | null;
  signature: string;
  /** Sim time (ms) when sent. */
  at: number;
}

export interface DeliveryOptions {
  retryDelaysMs: number[];
  timeoutMs: number;
}

export class WebhookDelivery {
  readonly endpoints: WebhookEndpoint[] = [];
  readonly attempts: DeliveryAttempt[] = [];
  /** Ids of events that were dropped (never sent). */
  readonly dropped: string[] = [];
  private held: Stripe.Event[] = [];
  private times = 1;
  private concurrent = 1;
  private delayMs = 0;
  private holding = false;
  private dropTypes = new Set<string>();
  private dropCount = 0;
  private busy = 0;
  private closed = false;
  private readonly delivered = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly requests = new Set<http.ClientRequest>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly clock: SimClock,
    private readonly options: DeliveryOptions,
  ) {}

  /** Registers an endpoint; returns it with its `whsec_...` signing secret. */
  addEndpoint(url: string, options: { secret?: string; events?: string[] } = {}): WebhookEndpoint {
    const endpoint = {
      id: newId('we'),
      url,
      secret: options.secret ?? `whsec_${randomToken(32)}`,
      events: options.events ?? ['*'],
    };
    this.endpoints.push(endpoint);
    return endpoint;
  }

  removeEndpoint(url: string): void {
    const index = this.endpoints.findIndex((endpoint) => endpoint.url === url);
    if (index >= 0) this.endpoints.splice(index, 1);
  }

  /** How many endpoints an event of `type` goes to: its initial `pending_webhooks`. */
  countFor(type: string): number {
    return this.endpointsFor(type).length;
  }

  /** Called for every new event. */
  enqueue(event: Stripe.Event): void {
    if (this.closed || event.pending_webhooks === 0) return;
    if (this.dropCount > 0 || this.dropTypes.has(event.type)) {
      if (this.dropCount > 0) this.dropCount -= 1;
      this.dropped.push(event.id);
      return;
    }
    if (this.holding) {
      this.held.push(event);
      return;
    }
    this.track(this.sleep(this.delayMs).then(() => this.dispatch(event)));
  }

  /** Every later event is delivered `n` times (sequential duplicates after the first success). */
  deliverTimes(n: number): this {
    this.times = Math.max(1, n);
    return this;
  }

  deliverTwice(): this {
    return this.deliverTimes(2);
  }

  /** Every later event's first attempt goes as `n` simultaneous POSTs. */
  sendConcurrentCopies(n: number): this {
    this.concurrent = Math.max(1, n);
    return this;
  }

  /** Later events wait before their first attempt. */
  delay(ms: number): this {
    this.delayMs = Math.max(0, ms);
    return this;
  }

  /** Later events are never delivered: those of `types`, and/or the `next` N events. */
  drop(filter: { types?: string[]; next?: number }): this {
    for (const type of filter.types ?? []) this.dropTypes.add(type);
    this.dropCount += filter.next ?? 0;
    return this;
  }

  /** Later events queue up until `release()`. */
  hold(): this {
    this.holding = true;
    return this;
  }

  /** Events currently held, oldest first. */
  heldEvents(): Stripe.Event[] {
    return [...this.held];
  }

  /**
   * Delivers held events one after another (each fully, retries included) in creation order,
   * reversed, or the order of `ids` (others stay held). Releasing all also stops holding.
   */
  async release(options: { order?: 'created' | 'reverse'; ids?: string[] } = {}): Promise<void> {
    let batch: Stripe.Event[];
    if (options.ids) {
      batch = options.ids.map((id) => {
        const event = this.held.find((candidate) => candidate.id === id);
        if (!event) throw new Error(`event ${id} is not held`);
        return event;
      });
      this.held = this.held.filter((event) => !batch.includes(event));
    } else {
      batch = options.order === 'reverse' ? [...this.held].reverse() : [...this.held];
      this.held = [];
      this.holding = false;
    }
    const run = async () => {
      for (const event of batch) await this.dispatch(event);
    };
    await this.track(run());
  }

  /** Sends `event` again to every subscribed endpoint, one attempt each (the dashboard's "Resend"). */
  async redeliver(event: Stripe.Event): Promise<DeliveryAttempt[]> {
    const attempts = this.endpointsFor(event.type).map((endpoint) => this.attempt(event, endpoint, 1, 'manual'));
    return this.track(Promise.all(attempts));
  }

  /** Back to the default: once, promptly, nothing held or dropped (held events are released). */
  reset(): void {
    this.times = 1;
    this.concurrent = 1;
    this.delayMs = 0;
    this.dropTypes.clear();
    this.dropCount = 0;
    if (this.held.length > 0) void this.release();
    this.holding = false;
  }

  /** Resolves once no attempt is in flight and no retry or delayed send is waiting (held events excepted). */
  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops everything: timers cleared, in-flight requests aborted, held events discarded. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const request of this.requests) request.destroy();
    this.held = [];
    this.busy = 0;
    this.settleIdle();
  }

  private endpointsFor(type: string) {
    return this.endpoints.filter((endpoint) => endpoint.events.includes('*') || endpoint.events.includes(type));
  }

  private async dispatch(event: Stripe.Event): Promise<void> {
    await Promise.all(this.endpointsFor(event.type).map((endpoint) => this.deliver(event, endpoint)));
  }

  /** First attempt (maybe as concurrent copies), retries until 2xx, then deliberate duplicates. */
  private async deliver(event: Stripe.Event, endpoint: WebhookEndpoint): Promise<void> {
    const copies = this.times;
    const parallel = this.concurrent;
    let attempt = 1;
    for (;;) {
      if (this.closed) return;
      const kind = attempt === 1 ? (parallel > 1 ? 'concurrent' : 'first') : 'retry';
      const sends = attempt === 1 ? parallel : 1;
      const results = await Promise.all(Array.from({ length: sends }, () => this.attempt(event, endpoint, attempt, kind)));
      if (results.some((result) => isSuccess(result))) break;
      const wait = this.options.retryDelaysMs[attempt - 1];
      if (wait === undefined) return;
      await this.sleep(wait);
      attempt += 1;
    }
    for (let copy = 1; copy < copies && !this.closed; copy += 1) await this.attempt(event, endpoint, 1, 'copy');
  }

  private async attempt(
    event: Stripe.Event,
    endpoint: WebhookEndpoint,
    attempt: number,
    kind: DeliveryAttempt['kind'],
  ): Promise<DeliveryAttempt> {
    const payload = JSON.stringify(event, null, 2);
    const signature = signPayload(payload, endpoint.secret, this.clock.unix());
    const record: DeliveryAttempt = {
      eventId: event.id,
      type: event.type,
      endpointUrl: endpoint.url,
      attempt,
      kind,
      status: null,
      error: null,
      signature,
      at: this.clock.now(),
    };
    const result = await postWebhook(endpoint.url, payload, signature, this.options.timeoutMs, (request) => {
      this.requests.add(request);
      return () => this.requests.delete(request);
    });
    Object.assign(record, result);
    this.attempts.push(record);
    const pair = `${event.id}:${endpoint.id}`;
    if (isSuccess(result) && !this.delivered.has(pair)) {
      this.delivered.add(pair);
      event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
    }
    return record;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.busy += 1;
    const done = () => {
      this.busy = Math.max(0, this.busy - 1);
      if (this.busy === 0) this.settleIdle();
    };
    work.then(done, done);
    return work;
  }

  private settleIdle() {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function isSuccess(result: AttemptResult) {
  return result.status !== null && result.status >= 200 && result.status < 300;
}
