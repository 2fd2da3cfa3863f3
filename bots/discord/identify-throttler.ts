import type { ClientOptions } from 'discord.js';
import type { RedisConnection } from '../../workers/redis.ts';

// @discordjs/ws's types, through discord.js (the package this project depends on).
type BuildThrottler = NonNullable<NonNullable<ClientOptions['ws']>['buildIdentifyThrottler']>;
type IIdentifyThrottler = Awaited<ReturnType<BuildThrottler>>;
type WebSocketManager = Parameters<BuildThrottler>[0];

/** Discord's identify window per concurrency bucket, plus a margin for the trip to the gateway. */
const IDENTIFY_WINDOW_MS = 5_000 + 250;

/**
 * Paces IDENTIFY across every bots process of the deployment, not just this one: Discord allows
 * `max_concurrency` identifies per 5 s, in buckets `shard_id % max_concurrency`, whichever
 * process sends them. Each bucket is a Redis key that only one identify may hold per window.
 */
export class RedisIdentifyThrottler implements IIdentifyThrottler {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly maxConcurrency: number,
  ) {}

  static async build(manager: WebSocketManager, redis: RedisConnection, prefix: string): Promise<RedisIdentifyThrottler> {
    const info = await manager.fetchGatewayInformation();
    return new RedisIdentifyThrottler(redis, prefix, info.session_start_limit.max_concurrency);
  }

  async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    const key = `${this.prefix}:discord:identify:${shardId % this.maxConcurrency}`;
    for (;;) {
      signal.throwIfAborted();
      if ((await this.redis.set(key, String(shardId), 'PX', IDENTIFY_WINDOW_MS, 'NX')) === 'OK') return;
      const waitMs = Math.max(50, await this.redis.pttl(key));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, waitMs + Math.random() * 100);
        signal.addEventListener('abort', () => reject((clearTimeout(timer), signal.reason)), { once: true });
      });
    }
  }
}
