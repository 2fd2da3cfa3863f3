/**
 * Discord's REST rate limits: per-route buckets counted per top-level resource (guild, channel,
 * webhook or interaction), announced on every answer with `X-RateLimit-Limit/Remaining/Reset/
 * Reset-After/Bucket`; over the limit a 429 with `Retry-After`, `X-RateLimit-Scope` and a body
 * `{ message, retry_after (seconds, float), global }`. An optional global limit (50/s on Discord)
 * spares interaction routes, as Discord's does. Routes whose limit Discord publishes (crossposts:
 * 10 an hour per channel) have it by default; a test's `rateLimits` entry for the route wins.
 */
import { createHash } from 'node:crypto';
import type { RateLimit } from './types.ts';
import { ApiError } from './wire.ts';

const DEFAULT_LIMIT: RateLimit = { limit: 50, windowMs: 1_000 };
/** Limits Discord documents for particular routes, keyed like `DiscordSimOptions.rateLimits`. */
export const DISCORD_ROUTE_LIMITS: Readonly<Record<string, RateLimit>> = {
  'POST /channels/:id/messages/:id/crosspost': { limit: 10, windowMs: 3_600_000 },
};
type Window = { count: number; resetAt: number };

/** The headers and the 429 for one request, or the headers alone when it may proceed. */
export type Admission = { headers: Record<string, string>; bucket: string; refused?: ApiError };

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private global: Window = { count: 0, resetAt: 0 };

  constructor(
    private readonly limits: Record<string, RateLimit> = {},
    private readonly globalLimit?: RateLimit,
  ) {}

  /** Counts a request to `route` (`RecordedCall.route`) against its bucket and the global limit. */
  admit(method: string, route: string, path: string, now = Date.now()): Admission {
    const key = `${method} ${route}`;
    const limit = this.limits[key] ?? DISCORD_ROUTE_LIMITS[key] ?? this.limits['*'] ?? DEFAULT_LIMIT;
    const bucket = createHash('sha1').update(key).digest('hex').slice(0, 16);
    if (this.globalLimit && !exemptFromGlobal(route)) {
      if (now >= this.global.resetAt) this.global = { count: 0, resetAt: now + this.globalLimit.windowMs };
      if (this.global.count >= this.globalLimit.limit) {
        const retryAfter = (this.global.resetAt - now) / 1000;
        return { headers: {}, bucket, refused: rateLimited(retryAfter, true, 'global', { 'x-ratelimit-global': 'true' }) };
      }
      this.global.count += 1;
    }
    const windowKey = `${bucket}:${majorParameter(path)}`;
    let window = this.windows.get(windowKey);
    if (!window || now >= window.resetAt) {
      window = { count: 0, resetAt: now + limit.windowMs };
      this.windows.set(windowKey, window);
    }
    const resetAfter = (window.resetAt - now) / 1000;
    const over = window.count >= limit.limit;
    if (!over) window.count += 1;
    const headers = {
      'x-ratelimit-limit': String(limit.limit),
      'x-ratelimit-remaining': String(Math.max(0, limit.limit - window.count)),
      'x-ratelimit-reset': (window.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': bucket,
    };
    return { headers, bucket, ...(over ? { refused: rateLimited(resetAfter, false, 'user', headers) } : {}) };
  }
}

/** Interaction callbacks and webhooks do not count toward the global limit. */
export function exemptFromGlobal(route: string): boolean {
  return route.startsWith('/interactions/') || route.startsWith('/webhooks/');
}

/** Discord's 429: the body's `retry_after` in float seconds, `Retry-After` rounded up to whole seconds. */
export function rateLimited(retryAfter: number, global: boolean, scope: 'user' | 'global' | 'shared', headers: Record<string, string> = {}): ApiError {
  const seconds = Math.round(retryAfter * 1000) / 1000;
  return new ApiError(
    429,
    { message: 'You are being rate limited.', retry_after: seconds, global },
    { ...headers, 'retry-after': String(Math.max(1, Math.ceil(seconds))), 'x-ratelimit-scope': scope },
  );
}

/** The top-level resource a bucket is counted per: guild, channel or webhook id; the interaction for callbacks. */
function majorParameter(path: string): string {
  return /^\/(?:channels|guilds|webhooks|interactions)\/(\d+)/.exec(path)?.[1] ?? 'global';
}
