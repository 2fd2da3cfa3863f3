import { type JobsOptions, Queue } from 'bullmq';
import type { RedisConnection } from './redis.ts';
import type { JobQueue } from '../core/ports.ts';
import {
  businessKeyOf,
  type JobKey,
  type JobPayload,
  jobName,
  jobs,
  parseJobPayload,
  type QueueName,
  queuePolicies,
} from '../core/queue/contract.ts';

/** BullMQ forbids `:` in custom ids (its key separator) and all-digit ids (its own counter). */
export function toBullId(key: string): string {
  const id = key.replaceAll(':', '-');
  return /^\d+$/.test(id) ? `k${id}` : id;
}

export function jobOptions(queue: QueueName): JobsOptions {
  const policy = queuePolicies[queue];
  return {
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: { count: policy.keepCompleted },
    removeOnFail: { count: policy.keepFailed },
  };
}

/**
 * BullMQ's key prefix for QUEUE_PREFIX. The braces are a Redis Cluster hash tag: every queue key
 * lands in one slot, as BullMQ's scripts (which touch several keys of a queue) need.
 */
export function bullPrefix(prefix: string): string {
  return `{${prefix}}`;
}

const BULK_PRIORITY = 100;

/**
 * The BullMQ side of the `JobQueue` port. Validates every payload against the contract before
 * it reaches Redis, and coalesces jobs that share a business key while one is pending.
 */
export class BullJobQueue implements JobQueue {
  readonly #queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: bullPrefix(this.prefix), defaultJobOptions: jobOptions(name) });
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async enqueue<K extends JobKey>(key: K, payload: JobPayload<K>, options: { delayMs?: number; bulk?: boolean } = {}): Promise<void> {
    const parsed = parseJobPayload(key, payload);
    if (!parsed.ok) throw new Error(`refusing to enqueue ${key}: ${parsed.reason}`);
    const businessKey = businessKeyOf(key, parsed.value);
    await this.queue(jobs[key].queue).add(jobName(key), parsed.value, {
      ...(businessKey ? { deduplication: { id: toBullId(businessKey) } } : {}),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
      // BullMQ takes jobs without a priority before any prioritised one.
      ...(options.bulk ? { priority: BULK_PRIORITY } : {}),
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
  }
}
