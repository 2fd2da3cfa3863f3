import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { createRedisPacer } from './redis-pacer.ts';
import type { Logger } from 'pino';
import {
  isJobKey,
  jobName,
  jobs,
  parseJobPayload,
  type QueueName,
  queuePolicies,
  schedules,
} from '../core/queue/contract.ts';
import type { BullJobQueue } from './bull-job-queue.ts';
import { bullPrefix, jobOptions } from './bull-job-queue.ts';
import { type JobDeps, type JobHandler, RetryLater } from './define-job.ts';
import type { JobMetrics } from './metrics.ts';
import { jobRegistry } from './registry.ts';
import type { RedisConnection } from './redis.ts';

export type WorkerRuntimeOptions = {
  connection: RedisConnection;
  prefix: string;
  concurrency: number;
  log: Logger;
  metrics?: JobMetrics;
  /**
   * How long a job's lock lasts without renewal, and how often stalled jobs (of a crashed worker
   * process) are looked for: a killed process's jobs run again after about this long. BullMQ's
   * default is 30 s.
   */
  lockMs?: number;
  /** Upsert the recurring job schedulers (off in tests that want a quiet queue). */
  schedulers?: boolean;
};

export type WorkerRuntime = {
  workers: Worker[];
  /** Stops taking jobs and waits for in-flight ones; after `timeoutMs` releases them to be retried. */
  close(timeoutMs: number): Promise<void>;
  /** Takes no new jobs (in-flight ones finish or fail on their own) until `resume`. */
  pause(): Promise<void>;
  resume(): Promise<void>;
};

/** One Worker per queue that has jobs, each routing on `job.name` through the registry. */
export async function startWorkers(given: JobDeps, producer: BullJobQueue, options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  // One pacer for every worker process on this Redis: platform limits hold whatever their number.
  const deps = { ...given, pacer: given.pacer ?? createRedisPacer(options.connection, options.prefix) };
  const queuesWithJobs = [...new Set(Object.values(jobs).map((spec) => spec.queue))];
  const workers = queuesWithJobs.map((queue) => {
    const worker = new Worker(queue, createProcessor(queue, deps, options), {
      connection: options.connection,
      prefix: bullPrefix(options.prefix),
      concurrency: Math.max(1, Math.round(options.concurrency * queuePolicies[queue].concurrencyShare)),
      ...(options.lockMs ? { lockDuration: options.lockMs, stalledInterval: options.lockMs } : {}),
    });
    worker.on('error', (error) => options.log.error({ err: error, queue }, 'worker error'));
    return worker;
  });
  if (options.schedulers !== false) {
    for (const schedule of schedules) {
      const queue = jobs[schedule.job].queue;
      const { attempts, backoff, removeOnComplete, removeOnFail } = jobOptions(queue);
      await producer
        .queue(queue)
        .upsertJobScheduler(schedule.id, schedule.cron ? { pattern: schedule.cron } : { every: schedule.every ?? 3_600_000 }, {
          name: jobName(schedule.job),
          data: schedule.payload,
          opts: { attempts, backoff, removeOnComplete, removeOnFail },
        });
    }
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  options.log.info({ queues: queuesWithJobs }, 'workers started');
  return {
    workers,
    pause: async () => {
      await Promise.all(workers.map((worker) => worker.pause(true)));
    },
    resume: async () => {
      await Promise.all(workers.map((worker) => worker.resume()));
    },
    async close(timeoutMs) {
      const graceful = Promise.all(workers.map((worker) => worker.close()));
      const timer = new Promise<'timeout'>((resolve) => setTimeout(resolve, timeoutMs, 'timeout').unref());
      if ((await Promise.race([graceful, timer])) === 'timeout') {
        options.log.warn('in-flight jobs did not finish in time; releasing them to be retried');
        await Promise.all(workers.map((worker) => worker.close(true)));
      }
    },
  };
}

/**
 * The one place that maps outcomes to BullMQ's retry contract: unknown job or invalid payload
 * -> UnrecoverableError; a returned domain error -> UnrecoverableError; RetryLater -> delayed
 * (no attempt used); any other throw -> retry with backoff.
 */
function createProcessor(queue: QueueName, deps: JobDeps, options: WorkerRuntimeOptions) {
  return async (job: Job, token?: string) => {
    const key = `${queue}.${job.name}`;
    const log = options.log.child({ queue, job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
    if (!isJobKey(key)) throw new UnrecoverableError(`unknown job ${key}`);
    const parsed = parseJobPayload(key, job.data);
    if (!parsed.ok) {
      log.error({ reason: parsed.reason }, 'invalid job payload; not retrying');
      throw new UnrecoverableError(`invalid payload: ${parsed.reason}`);
    }
    const handle = jobRegistry[key].handle as JobHandler<typeof key>;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let result;
    try {
      result = await handle(deps, parsed.value, { log, jobId: job.id ?? '', attempt: job.attemptsMade + 1 });
    } catch (error) {
      if (error instanceof RetryLater && token) {
        options.metrics?.observe(queue, job.name, 'delayed', seconds());
        log.debug({ delayMs: error.delayMs, reason: error.message }, 'job not yet possible; runs again later');
        await job.moveToDelayed(Date.now() + error.delayMs, token);
        throw new DelayedError();
      }
      const retrying = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
      options.metrics?.observe(queue, job.name, retrying ? 'retrying' : 'failed', seconds());
      log.warn({ err: error, retrying }, 'job threw');
      throw error;
    }
    if (!result.ok) {
      options.metrics?.observe(queue, job.name, 'failed', seconds());
      log.warn({ error: result.error }, 'job refused; not retrying');
      throw new UnrecoverableError(`domain error: ${result.error.code}`);
    }
    options.metrics?.observe(queue, job.name, 'completed', seconds());
    return result.value;
  };
}
