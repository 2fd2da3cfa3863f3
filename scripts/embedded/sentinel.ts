import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { RedisSentinel } from '../../core/config.ts';
import { freePort, isAlive, sleep, terminate, type ServiceLog } from './processes.ts';
import { findRedisServer, type RunningRedis, startEmbeddedRedis } from './redis.ts';

export type RunningSentinelSet = {
  /** What REDIS_SENTINELS, REDIS_SENTINEL_NAME and REDIS_PASSWORD say for this set. */
  target: RedisSentinel;
  /** The port of the server that is master now, as the sentinel reports it. */
  masterPort(): Promise<number>;
  /** A coordinated failover (SENTINEL FAILOVER): resolves once the former replica is master. */
  failover(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * A master, a replica and a sentinel watching them, each a private redis-server on loopback:
 * Redis as BullMQ documents it for high availability, small enough for a test. One sentinel
 * (quorum 1) decides alone; production runs three on separate hosts.
 */
export async function startSentinelSet(options: { dir: string; log: ServiceLog; name?: string }): Promise<RunningSentinelSet> {
  const name = options.name ?? 'lyceum';
  const password = randomBytes(18).toString('hex');
  const servers: RunningRedis[] = [];
  const stopServers = async () => {
    for (const server of servers) await server.stop();
  };
  try {
    const master = await startEmbeddedRedis({ dir: path.join(options.dir, 'master'), log: options.log, password, extraConfig: [`masterauth ${password}`] });
    servers.push(master);
    servers.push(
      await startEmbeddedRedis({ dir: path.join(options.dir, 'replica'), log: options.log, password, extraConfig: [`masterauth ${password}`, `replicaof 127.0.0.1 ${master.port}`] }),
    );
    const sentinel = await startSentinel(path.join(options.dir, 'sentinel'), name, master.port, password);
    const admin = new Redis({ host: '127.0.0.1', port: sentinel.port, lazyConnect: true, maxRetriesPerRequest: 3 });
    const masterPort = async () => Number(((await admin.call('SENTINEL', 'get-master-addr-by-name', name)) as [string, string])[1]);
    await waitFor(async () => (await replicasKnown(admin, name)) > 0, 'the sentinel to see the replica');
    options.log.info(`Redis Sentinel set ready: master on ${master.port}, sentinel on ${sentinel.port}`);
    return {
      target: { sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name, password, sentinelPassword: undefined },
      masterPort,
      async failover() {
        const before = await masterPort();
        await admin.call('SENTINEL', 'failover', name);
        await waitFor(async () => {
          const now = await masterPort();
          if (now === before) return false;
          const promoted = new Redis({ host: '127.0.0.1', port: now, password, lazyConnect: true, maxRetriesPerRequest: 1 });
          try {
            return (await promoted.role())[0] === 'master';
          } finally {
            promoted.disconnect();
          }
        }, 'the failover');
        // Then the sentinel tells the former master to follow the new one.
        await waitFor(async () => (await replicasKnown(admin, name)) > 0, 'the former master to rejoin as a replica');
      },
      async stop() {
        admin.disconnect();
        await terminate(sentinel.pid, 'SIGTERM', 10_000);
        await stopServers();
      },
    };
  } catch (error) {
    await stopServers().catch(() => {});
    throw error;
  }
}

async function startSentinel(dir: string, name: string, masterPort: number, password: string): Promise<{ port: number; pid: number }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const port = await freePort();
  // Sentinel rewrites its config file as it learns the topology, so it must be a file of its own.
  const configFile = path.join(dir, 'sentinel.conf');
  await writeFile(
    configFile,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${path.resolve(dir)}`,
      'daemonize no',
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
      `sentinel auth-pass ${name} ${password}`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 5000`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const logFile = path.join(dir, 'sentinel.log');
  const log = await open(logFile, 'a');
  const child = spawn(await findRedisServer(), [configFile, '--sentinel'], { detached: true, stdio: ['ignore', log.fd, log.fd] });
  child.unref();
  await log.close();
  const pid = child.pid;
  if (pid === undefined) throw new Error('redis sentinel did not start');
  const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await waitFor(async () => {
      if (!isAlive(pid)) throw new Error(`redis sentinel exited; see ${logFile}:\n${await readFile(logFile, 'utf8').catch(() => '')}`);
      await probe.connect().catch(() => {});
      return (await probe.ping().catch(() => '')) === 'PONG';
    }, 'the sentinel to answer');
  } finally {
    probe.disconnect();
  }
  return { port, pid };
}

async function replicasKnown(admin: Redis, name: string): Promise<number> {
  const replicas = (await admin.call('SENTINEL', 'replicas', name)) as string[][];
  return replicas.filter((fields) => {
    const flags = fields[fields.indexOf('flags') + 1] ?? '';
    return !flags.includes('down') && !flags.includes('disconnected');
  }).length;
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}
