/**
 * Update delivery as the Bot API does it: a queue of unconfirmed updates, filtered by
 * allowed_updates when they are created, served by long polling (getUpdates confirms by offset)
 * or posted to a webhook. A webhook delivery counts only on a 2xx answer; otherwise the same
 * update (same update_id) is posted again later with a doubling delay, and updates of the same
 * chat wait behind it, as in telegram-bot-api's WebhookActor. getWebhookInfo reports the pending
 * count and the last error.
 */
import { z } from 'zod';
import { ApiError } from './errors.ts';
import { now, type Update } from './model.ts';
import { bool, int, jsonOrValue, parse } from './validation.ts';
import type { WebhookState } from './types.ts';

type Queued = { update: Update; key: number; wakeAt: number; failures: number };
export type DeliveryOptions = { retryDelayMs: number; timeoutMs: number };

/** Telegram's default leaves out chat_member, message_reaction and message_reaction_count. */
const NOT_BY_DEFAULT = ['chat_member', 'message_reaction', 'message_reaction_count'];
const MAX_RETRY_FACTOR = 64;

const schemas = {
  getUpdates: z.object({
    offset: int.optional(),
    limit: int.min(1).max(100).optional(),
    timeout: int.min(0).optional(),
    allowed_updates: jsonOrValue(z.array(z.string())).optional(),
  }),
  setWebhook: z.object({
    url: z.string().refine((value) => value === '' || /^https?:\/\//.test(value), 'bad webhook: An HTTPS URL must be provided for webhook'),
    secret_token: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'secret token contains unallowed characters').optional(),
    drop_pending_updates: bool.optional(),
    allowed_updates: jsonOrValue(z.array(z.string())).optional(),
    max_connections: int.min(1).max(100).optional(),
  }),
  deleteWebhook: z.object({ drop_pending_updates: bool.optional() }),
};

export class UpdateQueue {
  readonly webhook: WebhookState = { deliveries: [] };
  private readonly queue: Queued[] = [];
  private readonly pollers = new Set<() => void>();
  private allowedUpdates: string[] | undefined;
  private nextUpdateId = 1;
  private lastError: { date: number; message: string } | undefined;
  private delivering = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: DeliveryOptions) {}

  /** Queues an update unless allowed_updates leaves its kind out; `key` orders webhook retries (the chat). */
  enqueue(body: Record<string, unknown>, key = 0): void {
    const update: Update = { update_id: this.nextUpdateId++, ...body };
    if (!this.isAllowed(update)) return;
    this.queue.push({ update, key, wakeAt: 0, failures: 0 });
    for (const wake of this.pollers) wake();
    if (this.webhook.url) void this.flush();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const wake of this.pollers) wake();
  }

  readonly methods = {
    getUpdates: (raw: Record<string, unknown>) => this.getUpdates(parse(schemas.getUpdates, raw)),
    setWebhook: (raw: Record<string, unknown>) => {
      const params = parse(schemas.setWebhook, raw);
      if (params.url === '') return this.methods.deleteWebhook({});
      this.webhook.url = params.url;
      this.webhook.secretToken = params.secret_token;
      if (params.allowed_updates) this.allowedUpdates = params.allowed_updates;
      if (params.drop_pending_updates) this.queue.length = 0;
      for (const wake of this.pollers) wake();
      void this.flush();
      return true;
    },
    deleteWebhook: (raw: Record<string, unknown>) => {
      const params = parse(schemas.deleteWebhook, raw);
      delete this.webhook.url;
      delete this.webhook.secretToken;
      clearTimeout(this.timer);
      if (params.drop_pending_updates) this.queue.length = 0;
      return true;
    },
    getWebhookInfo: () => ({
      url: this.webhook.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      ...(this.lastError ? { last_error_date: this.lastError.date, last_error_message: this.lastError.message } : {}),
      ...(this.webhook.url ? { max_connections: 40, ip_address: '127.0.0.1' } : {}),
      ...(this.allowedUpdates ? { allowed_updates: this.allowedUpdates } : {}),
    }),
  };

  private async getUpdates(params: z.infer<typeof schemas.getUpdates>): Promise<unknown[]> {
    if (this.webhook.url) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    if (params.allowed_updates) this.allowedUpdates = params.allowed_updates;
    if (params.offset !== undefined) {
      const offset = params.offset;
      while (this.queue.length && this.queue[0]!.update.update_id < offset) this.queue.shift();
    }
    const take = () =>
      this.queue
        .map((queued) => queued.update)
        .filter((update) => this.isAllowed(update))
        .slice(0, params.limit ?? 100);
    const deadline = Date.now() + (params.timeout ?? 0) * 1000;
    while (!take().length && Date.now() < deadline && !this.closed && !this.webhook.url) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.pollers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, deadline - Date.now());
        this.pollers.add(wake);
      });
    }
    return take();
  }

  private isAllowed(update: Update): boolean {
    const kind = Object.keys(update).find((key) => key !== 'update_id') ?? '';
    const allowed = this.allowedUpdates?.length ? this.allowedUpdates : undefined;
    return allowed ? allowed.includes(kind) : !NOT_BY_DEFAULT.includes(kind);
  }

  /** One delivery at a time, in order; a failed update blocks only later updates of its chat. */
  private async flush(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.webhook.url && !this.closed) {
        const next = this.nextDue();
        if (!next) break;
        const error = await this.post(this.webhook.url, next.update);
        if (error === undefined) {
          this.queue.splice(this.queue.indexOf(next), 1);
        } else {
          next.failures += 1;
          next.wakeAt = Date.now() + this.options.retryDelayMs * Math.min(2 ** (next.failures - 1), MAX_RETRY_FACTOR);
          this.lastError = { date: now(), message: error };
        }
      }
    } finally {
      this.delivering = false;
    }
    this.scheduleRetry();
  }

  private nextDue(): Queued | undefined {
    const blocked = new Set<number>();
    const time = Date.now();
    for (const queued of this.queue) {
      if (blocked.has(queued.key)) continue;
      if (queued.wakeAt <= time) return queued;
      blocked.add(queued.key);
    }
    return undefined;
  }

  private scheduleRetry(): void {
    clearTimeout(this.timer);
    if (!this.webhook.url || this.closed || !this.queue.length) return;
    const wakeAt = Math.min(...this.queue.map((queued) => queued.wakeAt));
    this.timer = setTimeout(() => void this.flush(), Math.max(0, wakeAt - Date.now()));
    this.timer.unref();
  }

  /** Posts one update; the error text getWebhookInfo would show, or undefined on a 2xx answer. */
  private async post(url: string, update: Update): Promise<string | undefined> {
    let status = 0;
    let error: string | undefined;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.webhook.secretToken ? { 'x-telegram-bot-api-secret-token': this.webhook.secretToken } : {}),
        },
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer();
      if (status < 200 || status > 299) error = `Wrong response from the webhook: ${status} ${response.statusText}`;
    } catch (caught) {
      error = isTimeout(caught) ? 'Read timeout expired' : connectionError(caught);
    }
    this.webhook.deliveries.push({ updateId: update.update_id, status, ...(error ? { error } : {}) });
    return error;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function connectionError(error: unknown): string {
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  return code === 'ECONNREFUSED' ? 'Connection refused' : `Connection error: ${code ?? String(error)}`;
}
