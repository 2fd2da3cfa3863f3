/**
 * Send pacing shared by every worker process: a send may go only when every bucket it draws on
 * (the platform's global rate, the chat's own rate, ...) has room, and a bucket a platform
 * answered with `retry_after` stays closed until then. Adding workers never adds sends beyond
 * a limit, because the buckets live in one place (Redis) and are checked atomically.
 */
export type Bucket = {
  /** Which limit: `telegram:global`, `telegram:chat:<id>`, `discord:dm`, ... */
  key: string;
  /** At most this many sends in any window of `windowMs` (a sliding window, not fixed seconds). */
  limit: number;
  windowMs: number;
};

/** `at`: when the slot was taken, on the pacer's clock (ms since the epoch). */
export type Reservation = { granted: true; at: number } | { granted: false; retryInMs: number };

export interface Pacer {
  /** Takes one slot in every bucket, or none: then `retryInMs` says when the fullest one frees up. */
  reserve(buckets: Bucket[]): Promise<Reservation>;
  /** The platform said "retry after": nothing draws on this bucket for `ms`. */
  pause(bucketKey: string, ms: number): Promise<void>;
  /** Records one event (a refused request) and returns how many happened in the last `windowMs`, across all workers. */
  note(counterKey: string, windowMs: number): Promise<number>;
  /** How many events of the counter happened in the last `windowMs`. */
  count(counterKey: string, windowMs: number): Promise<number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for a slot, sleeping as long as the pacer says (never spinning). */
export async function whenPaced(pacer: Pacer, buckets: Bucket[]): Promise<number> {
  for (;;) {
    const reservation = await pacer.reserve(buckets);
    if (reservation.granted) return reservation.at;
    await sleep(reservation.retryInMs);
  }
}

/**
 * Takes a slot if one frees up within `maxWaitMs`; otherwise says how long until one might, so
 * the caller can step aside (a queued job gives its worker slot to others instead of sleeping).
 */
export async function pacedWithin(pacer: Pacer, buckets: Bucket[], maxWaitMs: number): Promise<{ granted: true } | { retryInMs: number }> {
  for (;;) {
    const reservation = await pacer.reserve(buckets);
    if (reservation.granted) return { granted: true };
    if (reservation.retryInMs > maxWaitMs) return { retryInMs: reservation.retryInMs };
    await sleep(reservation.retryInMs);
  }
}
