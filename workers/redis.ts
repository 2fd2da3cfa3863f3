import { Cluster, Redis } from 'ioredis';
import type { RedisClusterNodes, RedisSentinel } from '../core/config.ts';

/** What queues, the pacer and the Telegram update queue run on: one Redis (standalone or through Sentinel), or a Redis Cluster. */
export type RedisConnection = Redis | Cluster;

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null` (blocking commands
 * must wait out a Redis restart rather than fail); producers use the same so an enqueue during a
 * brief Redis restart waits instead of losing the job.
 */
export function connectRedis(target: string | RedisSentinel | RedisClusterNodes, name: string): RedisConnection {
  const common = { maxRetriesPerRequest: null, connectionName: `lyceum-${name}` };
  if (typeof target === 'string') return new Redis(target, common);
  // Every script's keys share a hash tag (one slot), as a cluster requires.
  if ('nodes' in target) return new Cluster(target.nodes, { redisOptions: { ...common, ...(target.password ? { password: target.password } : {}) } });
  return new Redis({
    ...common,
    sentinels: target.sentinels,
    name: target.name,
    ...(target.password ? { password: target.password } : {}),
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    // A demoted master answers writes with READONLY until the sentinels' news arrives: reconnect
    // (to the new master, asked of the sentinels) and send the command again.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  });
}
