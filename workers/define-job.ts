import type { Logger } from 'pino';
import type { CoreDeps } from '../core/deps.ts';
import type { DomainError } from '../core/errors.ts';
import type { JobKey, JobPayload } from '../core/queue/contract.ts';
import type { Result } from '../core/result.ts';

/**
 * Thrown by a handler that cannot do its work yet (a platform said "retry after", another worker
 * holds the row): the job runs again after `delayMs`, without using up one of its attempts.
 */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** What a job handler gets besides its payload: a logger carrying the job's ids. */
export type JobContext = { log: Logger; jobId: string; attempt: number };

export type JobDeps = Pick<CoreDeps, 'db' | 'clock' | 'queue' | 'payments' | 'log' | 'access' | 'pacer' | 'delivery' | 'files' | 'charts' | 'web'>;

/**
 * A job handler. Returning an error is a domain "no" (the job fails once, no retry); throwing
 * is an outage or a bug (BullMQ retries with backoff).
 */
export type JobHandler<K extends JobKey> = (
  deps: JobDeps,
  payload: JobPayload<K>,
  context: JobContext,
) => Promise<Result<unknown, DomainError>>;

export type JobDefinition<K extends JobKey = JobKey> = { key: K; handle: JobHandler<K> };

export const defineJob = <K extends JobKey>(key: K, handle: JobHandler<K>): JobDefinition<K> => ({ key, handle });
