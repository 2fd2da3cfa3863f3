/**
 * Stripe's idempotency layer for POST requests. The first request with a key that gets past
 * parameter validation runs, and its answer (status + body, errors and 500s included) is kept for
 * 24 hours of sim time. A replay with the same endpoint and parameters gets that answer with
 * `Idempotent-Replayed: true`; different parameters or endpoint is a 400 `idempotency_error`; a
 * second request while the first is still running is a 409 (the client retries 409s), so two
 * concurrent requests with one key never both execute.
 */
import { isDeepStrictEqual } from 'node:util';
import type { SimClock } from './clock.ts';
import { type StripeSimError, idempotencyError, invalidRequest } from './errors.ts';

export interface StoredResponse {
  status: number;
  body: string;
  requestId: string;
}

interface Entry {
  endpoint: string;
  params: unknown;
  createdAt: number;
  response?: StoredResponse;
}

export type IdempotencyDecision =
  | { kind: 'execute'; complete(response: StoredResponse): void; release(): void }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'reject'; error: StripeSimError };

export const idempotencyTtlMs = 24 * 3600 * 1000;

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: SimClock) {}

  /** Decides what a POST carrying `key` does; `execute` holds the key until complete/release. */
  begin(key: string, endpoint: string, params: unknown): IdempotencyDecision {
    if (key.length > 255) {
      return { kind: 'reject', error: invalidRequest('Idempotency keys can be at most 255 characters long.') };
    }
    const now = this.clock.now();
    const existing = this.entries.get(key);
    if (existing && existing.createdAt + idempotencyTtlMs <= now) this.entries.delete(key);
    const entry = this.entries.get(key);
    if (!entry) {
      const fresh: Entry = { endpoint, params, createdAt: now };
      this.entries.set(key, fresh);
      return {
        kind: 'execute',
        complete: (response) => {
          fresh.response = response;
        },
        release: () => {
          if (this.entries.get(key) === fresh && !fresh.response) this.entries.delete(key);
        },
      };
    }
    if (entry.endpoint !== endpoint) {
      return {
        kind: 'reject',
        error: idempotencyError(
          `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
        ),
      };
    }
    if (!isDeepStrictEqual(entry.params, params)) {
      return {
        kind: 'reject',
        error: idempotencyError(
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        ),
      };
    }
    if (!entry.response) {
      return {
        kind: 'reject',
        error: idempotencyError(
          `There is currently another in-progress request using this Stripe-Idempotency-Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
          409,
        ),
      };
    }
    return { kind: 'replay', response: entry.response };
  }
}
