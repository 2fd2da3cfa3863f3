/**
 * Outages on demand, for testing a caller's retries and idempotency keys:
 * - `api_error`: a 500 `api_error` without running the request; Stripe stores even a 500 under
 *   the idempotency key, so a retry with the same key gets the 500 again.
 * - `rate_limit`: a 429 `rate_limit` before anything runs (not stored; a retry may succeed).
 * - `connection_reset`: the request runs and its answer is stored, then the socket is destroyed
 *   before any byte is sent: the client retries with the same key and gets the replay.
 */
export type FaultKind = 'api_error' | 'rate_limit' | 'connection_reset';

export interface FaultRule {
  kind: FaultKind;
  method?: string;
  /** Exact path (`/v1/refunds`) or a prefix ending in `*` (`/v1/checkout/*`). */
  path?: string;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export class FaultPlan {
  private rules: (FaultRule & { left: number })[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** Consumes and returns the first rule matching this request, if any. */
  take(method: string, path: string): FaultKind | undefined {
    const rule = this.rules.find((candidate) => candidate.left > 0 && matches(candidate, method, path));
    if (!rule) return undefined;
    rule.left -= 1;
    this.rules = this.rules.filter((candidate) => candidate.left > 0);
    return rule.kind;
  }
}

function matches(rule: FaultRule, method: string, path: string) {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (!rule.path) return true;
  return rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path;
}
