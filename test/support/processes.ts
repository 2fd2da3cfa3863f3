import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import { TEST_DATA_KEY_TEXT } from './data-keys.ts';
import { directUrlOf } from './database.ts';

export const projectRoot = path.resolve(import.meta.dirname, '../..');

export type LyceumProcess = {
  child: ChildProcess;
  output(): string;
  /** Resolves when a line of output contains `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
};

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

/** Runs `cli.ts <role>` as a real separate process with exactly the given environment. */
export function startLyceum(role: string, env: Record<string, string>): LyceumProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli.ts', role], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor(text, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!output.includes(text)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for "${text}"; output so far:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) reject(new Error(`process exited before "${text}"; output:\n${output}`));
        });
        check();
      });
    },
  };
}

/** The HTTP port a process logged on start-up ("http server listening"). */
export function listeningPort(process: LyceumProcess): number {
  const line = process.output().split('\n').find((text) => text.includes('http server listening'));
  const port = line ? (JSON.parse(line) as { port?: number }).port : undefined;
  if (!port) throw new Error(`no listening port in the output:\n${process.output()}`);
  return port;
}
