import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { exists, freePort, isAlive, processName, readPidFile, run, sleep, terminate, type ServiceLog } from './processes.ts';

export type EmbeddedRedisOptions = {
  /** Holds the AOF files, `redis.pid`, `redis.log` and `credentials.json`; persists across runs. */
  dir: string;
  log: ServiceLog;
  /** Append-only file on (the default): queued jobs survive a restart. */
  appendOnly?: boolean;
  /** A fixed port (a restart that clients reconnect to); a free one when unset. */
  port?: number;
  /** The password to require, instead of one generated into `credentials.json` (servers of one replica set share it). */
  password?: string;
  /** More config lines, e.g. `replicaof 127.0.0.1 6379` and `masterauth ...` for a replica. */
  extraConfig?: string[];
};

export type RunningRedis = { url: string; pid: number; port: number; stop(): Promise<void> };

/** Finds `redis-server`, or explains how to get it. The bootstrap installs it on Debian/Ubuntu. */
export async function findRedisServer(): Promise<string> {
  const { stdout } = await run('sh', ['-c', 'command -v redis-server']).catch(() => ({ stdout: '' }));
  const binary = stdout.trim();
  if (!binary) {
    throw new Error(
      'redis-server is not installed: run `npm start` (it installs it with apt-get on Debian/Ubuntu), ' +
        'install Redis >= 6.2 yourself, or set REDIS_URL',
    );
  }
  return binary;
}

/**
 * Runs a private redis-server on a free loopback port, password-protected, in its own process
 * group (so Ctrl-C reaches our shutdown first, not Redis). A server left by a killed process is
 * stopped first, so its AOF is flushed and then reused.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<RunningRedis> {
  const binary = await findRedisServer();
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const pidFile = path.join(options.dir, 'redis.pid');
  await stopLeftover(pidFile, options.log);

  const password = options.password ?? (await loadPassword(path.join(options.dir, 'credentials.json')));
  const port = options.port ?? (await freePort());
  const logFile = path.join(options.dir, 'redis.log');
  const logHandle = await open(logFile, 'a');
  const args = [
    '-', // read the config (which carries the password) from stdin, keeping it out of `ps`
  ];
  const config = [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${path.resolve(options.dir)}`,
    `pidfile ${path.resolve(pidFile)}`,
    `appendonly ${options.appendOnly === false ? 'no' : 'yes'}`,
    'save ""',
    'daemonize no',
    `requirepass ${password}`,
    ...(options.extraConfig ?? []),
  ].join('\n');
  const child = spawn(binary, args, { detached: true, stdio: ['pipe', logHandle.fd, logHandle.fd] });
  child.stdin?.end(config);
  child.unref();
  await logHandle.close();
  const pid = child.pid;
  if (pid === undefined) throw new Error('redis-server did not start');

  const url = `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await waitUntilReady(url, pid, logFile);
  options.log.info(`embedded Redis ready on 127.0.0.1:${port} (data in ${options.dir})`);
  return { url, pid, port, stop: () => terminate(pid, 'SIGTERM', 10_000) };
}

async function stopLeftover(pidFile: string, log: ServiceLog): Promise<void> {
  const pid = await readPidFile(pidFile);
  if (pid === undefined || !isAlive(pid)) return;
  if ((await processName(pid))?.startsWith('redis-server') !== true) return;
  log.warn(`a Redis server from an earlier run is still up (pid ${pid}); restarting it cleanly`);
  await terminate(pid, 'SIGTERM', 10_000);
}

async function loadPassword(file: string): Promise<string> {
  if (await exists(file)) return (JSON.parse(await readFile(file, 'utf8')) as { password: string }).password;
  const password = randomBytes(18).toString('hex');
  await writeFile(file, JSON.stringify({ password }), { mode: 0o600 });
  return password;
}

async function waitUntilReady(url: string, pid: number, logFile: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) break;
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      // still loading the AOF or not listening yet
    } finally {
      client.disconnect();
    }
    await sleep(50);
  }
  const tail = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-10).join('\n');
  throw new Error(`embedded Redis did not become ready; last lines of ${logFile}:\n${tail}`);
}
