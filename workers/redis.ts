import { Redis } from 'ioredis';
import type { RedisSentinel } from '../core/config.ts';

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null` (blocking commands
 * must wait out a Redis restart rather than fail); producers use the same so an enqueue during a
 * brief Redis restart waits instead of losing the job.
 */
export function connectRedis(target: string | RedisSentinel, name: string): Redis {
  const common = { maxRetriesPerRequest: null, connectionName: `lyceum-${name}` };
  if (typeof target === 'string') return new Redis(target, common);
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
