import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { readFileSync } from 'node:fs';
import { access, chmod, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** The smallest logging surface the embedded services need, so pino and tests both fit. */
export type ServiceLog = { info(message: string): void; warn(message: string): void };

/** True while the process runs. A zombie (exited, not yet reaped by its parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** The executable name of a live process (Linux /proc), or undefined. */
export async function processName(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** Asks `signal` politely, then SIGKILL if the process has not exited within `graceMs`. */
export async function terminate(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, signal);
  if (await waitForExit(pid, graceMs)) return;
  process.kill(pid, 'SIGKILL');
  await waitForExit(pid, 2_000);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

export async function readPidFile(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A server run as another OS user must be able to walk down to its binaries and its data
 * directory. Directories from `mktemp -d` are 0700, so we add the search bit (o+x, not read) to
 * the ancestors that lack it.
 */
export async function ensureTraversable(dir: string, log: ServiceLog): Promise<void> {
  let current = path.resolve(dir);
  const ancestors: string[] = [];
  while (path.dirname(current) !== current) {
    current = path.dirname(current);
    ancestors.push(current);
  }
  for (const ancestor of ancestors) {
    const { mode } = await stat(ancestor);
    if ((mode & 0o001) === 0) {
      await chmod(ancestor, mode | 0o001);
      log.warn(`added o+x to ${ancestor} so the postgres user can reach its files`);
    }
  }
}
