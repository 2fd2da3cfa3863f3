/**
 * The simulator's clock. Starts at real "now"; tests move it with `advance` / `set`. Everything
 * the sim timestamps (`created`, billing periods, idempotency expiry, webhook signature `t=`)
 * reads it, and listeners run after each move (session expiry, period-end cancellations).
 */
export class SimClock {
  private offsetMs = 0;
  private readonly listeners = new Set<() => void>();

  /** Current sim time in milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Current sim time in whole Unix seconds, as Stripe timestamps are. */
  unix(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Moves the clock forward by `ms` (never backwards) and runs due work. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('SimClock.advance: ms must be >= 0');
    this.offsetMs += ms;
    this.notify();
  }

  /** Sets the clock to an absolute instant (may go backwards; due work still runs). */
  set(at: Date | number): void {
    const target = typeof at === 'number' ? at : at.getTime();
    this.offsetMs = target - Date.now();
    this.notify();
  }

  /**
   * Runs `work` with the clock reading `atMs` (if later than now), then puts it back without
   * running listeners: what a Stripe test clock attached to one customer does, while the account
   * (and everyone else's `expires_at`, idempotency windows...) stays at the current time.
   */
  during<T>(atMs: number, work: () => T): T {
    const saved = this.offsetMs;
    if (atMs > this.now()) this.offsetMs = atMs - Date.now();
    try {
      return work();
    } finally {
      this.offsetMs = saved;
    }
  }

  /** Registers work to run after every move; returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify() {
    for (const listener of this.listeners) listener();
  }
}
