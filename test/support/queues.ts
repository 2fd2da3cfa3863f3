import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { BullJobQueue } from '../../workers/bull-job-queue.ts';

export type TestQueues = { redis: Redis; prefix: string; queue: BullJobQueue; close(): Promise<void> };

/** A BullMQ producer on the run's Redis under a prefix of its own, so test files never meet. */
export function createTestQueues(): TestQueues {
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const queue = new BullJobQueue(redis, prefix);
  return {
    redis,
    prefix,
    queue,
    async close() {
      await queue.close();
      const keys = [...(await redis.keys(`{${prefix}}:*`)), ...(await redis.keys(`${prefix}:*`))];
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
