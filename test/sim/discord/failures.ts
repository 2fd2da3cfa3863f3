/** Injected failures (`sim.failNext`): 429s, 5xx and Discord's permission/unknown-object errors on demand. */
import { rateLimited } from './rate-limits.ts';
import type { World } from './state.ts';
import { ApiError, apiErrorFor, routeOf } from './wire.ts';

/** Throws the answer of the first live rule matching the request, spending one of its uses. */
export function injectedFailure(world: World, method: string, path: string): void {
  const rule = world.failRules.find((candidate) => candidate.remaining > 0 && (!candidate.method || candidate.method === method) && candidate.path.test(path));
  if (!rule) return;
  rule.remaining -= 1;
  if (rule.status === 429) {
    const scope = rule.scope ?? (rule.global ? 'global' : 'user');
    const headers: Record<string, string> = rule.global
      ? { 'x-ratelimit-global': 'true' }
      : {
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': ((Date.now() + rule.retryAfter * 1000) / 1000).toFixed(3),
          'x-ratelimit-reset-after': String(rule.retryAfter),
          'x-ratelimit-bucket': `sim-${routeOf(path)}`,
        };
    throw rateLimited(rule.retryAfter, rule.global ?? false, scope, headers);
  }
  if (rule.status === 403 || rule.status === 404) throw apiErrorFor(rule.code);
  const reason = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }[rule.status];
  throw new ApiError(rule.status, { message: `${rule.status}: ${reason}`, code: 0 });
}
