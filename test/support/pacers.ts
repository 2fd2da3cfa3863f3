import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import type { Pacer } from '../../core/delivery/pacer.ts';
import { createRedisPacer } from '../../workers/redis-pacer.ts';

export type TestPacers = { pacers: Pacer[]; close(): Promise<void> };

/**
 * Pacers on the harness's real Redis, as `count` worker processes would hold them: one connection
 * each, one shared fresh key prefix. `close` removes the keys and the connections.
 */
export function testPacers(count = 1): TestPacers {
  const connections = Array.from({ length: count }, () => new Redis(inject('redisUrl')));
  const prefix = `t${randomBytes(4).toString('hex')}`;
  return {
    pacers: connections.map((connection) => createRedisPacer(connection, prefix)),
    async close() {
      const keys = await connections[0]!.keys(`{${prefix}:pace}*`);
      if (keys.length) await connections[0]!.del(...keys);
      await Promise.all(connections.map((connection) => connection.quit()));
    },
  };
}
