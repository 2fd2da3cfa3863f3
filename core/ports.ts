import type { JobKey, JobPayload } from './queue/contract.ts';

/**
 * Enqueues background jobs. Implementations validate the payload against the contract before
 * enqueueing (an invalid payload throws: it is a bug in the caller) and honour the job's key.
 */
export interface JobQueue {
  /** `bulk`: one of many (an announcement's sends): taken after every ordinary job waiting. */
  enqueue<K extends JobKey>(job: K, payload: JobPayload<K>, options?: { delayMs?: number; bulk?: boolean }): Promise<void>;
}

/** The current time, injectable so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The system clock moved forward by hand, for demos outside production (the console's `/time`),
 * so reminders, grace and expiry can be watched without waiting days.
 */
export class AdjustableClock implements Clock {
  #offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}
