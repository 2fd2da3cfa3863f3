import type { Logger } from 'pino';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Limit, RateLimiter, Verdict } from '../core/safety/rate-limits.ts';
import type { RedisConnection } from '../workers/redis.ts';

/**
 * Core's rate limits on Redis (rate-limiter-flexible: one atomic INCR + TTL script per use), so
 * every bots process counts into the same windows. Each use is counted even when refused: the
 * count says whether this is the first refusal of the window (the one that is told).
 * Redis being down must not take the bots down with it: a use that cannot be counted is allowed.
 */
export function createRedisRateLimiter(redis: RedisConnection, prefix: string, log: Logger): RateLimiter {
  const limiters = new Map<string, RateLimiterRedis>();
  const limiterFor = ({ points, seconds }: Limit) => {
    const name = `${points}/${seconds}`;
    let limiter = limiters.get(name);
    if (!limiter) {
      // The limit is part of the key: a community that changes its limit starts a fresh window.
      limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:${name}`, points, duration: seconds, rejectIfRedisNotReady: true });
      limiters.set(name, limiter);
    }
    return limiter;
  };
  return {
    async take(key: string, limit: Limit): Promise<Verdict> {
      try {
        await limiterFor(limit).consume(key);
        return { allowed: true };
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) return { allowed: false, told: refusal.consumedPoints === limit.points + 1, retryInMs: refusal.msBeforeNext };
        log.warn({ err: refusal }, 'rate limits unavailable (Redis): allowing the use');
        return { allowed: true };
      }
    },
  };
}
