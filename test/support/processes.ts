import { inject } from 'vitest';
import { TEST_DATA_KEY_TEXT } from './data-keys.ts';
import { directUrlOf } from './database.ts';
import type { LyceumProcess } from './lyceum-process.ts';

export { type LyceumProcess, projectRoot, startLyceum } from './lyceum-process.ts';

/**
 * The environment of a Lyceum process in a test: the test's own database, the harness's Redis
 * under the test's queue prefix, any free HTTP port, a scratch data directory named for the
 * test, and whatever the test adds.
 */
export function processEnv(test: { databaseUrl: string; queuePrefix: string; name: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: test.databaseUrl,
    DATABASE_DIRECT_URL: directUrlOf(test.databaseUrl),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: test.queuePrefix,
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    DATA_DIR: `${inject('scratchDir')}/${test.name}`,
    DATA_ENCRYPTION_KEY: TEST_DATA_KEY_TEXT,
    ...extra,
  };
}

/** The HTTP port a process logged on start-up ("http server listening"). */
export function listeningPort(process: LyceumProcess): number {
  const line = process.output().split('\n').find((text) => text.includes('http server listening'));
  const port = line ? (JSON.parse(line) as { port?: number }).port : undefined;
  if (!port) throw new Error(`no listening port in the output:\n${process.output()}`);
  return port;
}
