import type { RedisConnection } from './redis.ts';
import type { Bucket, Pacer, Reservation } from '../core/delivery/pacer.ts';

/**
 * Reserves a slot in every bucket or in none, atomically, on Redis's own clock (so the worker
 * processes' clocks never disagree about a window). Each bucket is a sorted set of the send
 * times in its window; a paused bucket is a key that expires when the platform said to retry.
 * KEYS: per bucket its log and its pause key; ARGV: n, then per bucket limit and window (ms),
 * then a unique member for this reservation.
 */
const RESERVE = `
local n = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i = 1, n do
  local log, paused = KEYS[2 * i - 1], KEYS[2 * i]
  local limit, window = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local pause = redis.call('PTTL', paused)
  if pause > wait then wait = pause end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
  if redis.call('ZCARD', log) >= limit then
    local oldest = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
    local free = tonumber(oldest[2]) + window - now + 1
    if free > wait then wait = free end
  end
end
if wait > 0 then return {0, wait} end
local member = ARGV[2 * n + 2]
for i = 1, n do
  local log, window = KEYS[2 * i - 1], tonumber(ARGV[2 * i + 1])
  redis.call('ZADD', log, now, member)
  redis.call('PEXPIRE', log, window)
end
return {1, now}
`;

/** Sets the pause unless a longer one is already in place (two workers hearing two retry_afters keep the later end). */
const PAUSE = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;

/** Sliding-window counter: KEYS[1] the log; ARGV: window ms, then a member to add ('' to only count). */
const COUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
if ARGV[2] ~= '' then
  redis.call('ZADD', KEYS[1], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return redis.call('ZCARD', KEYS[1])
`;

export function createRedisPacer(redis: RedisConnection, prefix: string): Pacer {
  // One hash tag for every key: the multi-key script stays in one slot on a Redis Cluster.
  const keyOf = (bucket: string) => `{${prefix}:pace}:${bucket}`;
  let counter = 0;
  return {
    async reserve(buckets: Bucket[]): Promise<Reservation> {
      const keys = buckets.flatMap((bucket) => [keyOf(bucket.key), `${keyOf(bucket.key)}:paused`]);
      const args = [buckets.length, ...buckets.flatMap((bucket) => [bucket.limit, bucket.windowMs]), `${process.pid}:${counter++}:${Math.random().toString(36).slice(2, 8)}`];
      const [granted, value] = (await redis.eval(RESERVE, keys.length, ...keys, ...args)) as [number, number];
      return granted ? { granted: true, at: value } : { granted: false, retryInMs: value };
    },
    async pause(bucketKey: string, ms: number): Promise<void> {
      await redis.eval(PAUSE, 1, `${keyOf(bucketKey)}:paused`, Math.max(1, Math.ceil(ms)));
    },
    async note(counterKey: string, windowMs: number): Promise<number> {
      return Number(await redis.eval(COUNT, 1, `${keyOf(counterKey)}:count`, windowMs, `${process.pid}:${counter++}:${Math.random().toString(36).slice(2, 8)}`));
    },
    async count(counterKey: string, windowMs: number): Promise<number> {
      return Number(await redis.eval(COUNT, 1, `${keyOf(counterKey)}:count`, windowMs, ''));
    },
  };
}
