/**
 * How Lyceum scales past one process on this machine: sustained commands per second with 1, 2
 * and 4 real `cli.ts bots` processes and with 1, 2 and 4 real `cli.ts workers` processes, with
 * p50/p99 latency at each, speed-up (throughput / one process's) and scaling efficiency
 * (throughput / (N x one process's)). Production topology: the processes reach Postgres through a
 * private PgBouncer in transaction mode (migrations directly) and share one private Redis.
 * - bots (bench/scale-bots.ts): the Discord simulator with 4 shards split evenly across the N
 *   processes (DISCORD_SHARD_IDS), GUILDS guilds linked to the seeded demo community, a command is
 *   one `/courses` from a scripted member: sent -> reply recorded by the simulator (resolve the
 *   member, the Redis rate limiter, the catalog listing from Postgres, the interaction callback).
 * - workers (bench/scale-workers.ts): a command is one sandbox payment of the demo's Python
 *   Bootcamp (course grants only: no platform calls): the event recorded and enqueued as its
 *   webhook would -> applied by a workers process (order paid, ledger entry, entitlement,
 *   `processed_at` set).
 * Load is closed-loop: IN_FLIGHT commands outstanding for WARMUP_S then DURATION_S (measured), so
 * at saturation latency is mostly queueing (Little's law: in flight / throughput). The load
 * generator and the simulator run in this process, on the same cores as what they measure: the
 * `cores` columns say how busy the Lyceum processes, this process and the whole machine (Postgres,
 * PgBouncer, Redis and anything else running) were during the window. Speed-up stops growing
 * once the machine's cores are all busy.
 * Run: `npm run bench:scale` (DURATION_S=15, WARMUP_S=3, IN_FLIGHT=32, PROCESSES=1,2,4,
 * ROLES=bots,workers, GUILDS=200, MEMBERS_PER_GUILD=12, MEMBER_GAP_MS=3000 between one member's
 * commands, WORKER_CONCURRENCY=4 per workers process, PGBOUNCER=0 to connect directly;
 * DATABASE_URL (with DATABASE_DIRECT_URL behind a pooler) to use your own server).
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { connectDatabase, type Database } from '../core/db/client.ts';
import { migrateDatabase } from '../core/db/migrate.ts';
import { installDataKeys, newDataKeyText, parseDataKeys } from '../core/safety/sealed-values.ts';
import { type RunningPgBouncer, startEmbeddedPgBouncer } from '../scripts/embedded/pgbouncer.ts';
import { type RunningPostgres, startEmbeddedPostgres } from '../scripts/embedded/postgres.ts';
import { type RunningRedis, startEmbeddedRedis } from '../scripts/embedded/redis.ts';
import { type LyceumProcess, startLyceum } from '../test/support/lyceum-process.ts';

export type Knobs = { durationS: number; warmupS: number; inFlight: number; counts: number[] };
export type Child = LyceumProcess & { name: string };
/** What a role's run gets: the bench's own database handles, and children started in the shared topology. */
export type ScaleContext = {
  knobs: Knobs;
  /** Postgres itself (seeding, polling), and through the pooler (what a webhook handler would use). */
  db: Database;
  pooledDb: Database;
  /** The Redis every process shares (a producer's queue connects to it). */
  redisUrl: string;
  start(role: 'bots' | 'workers', name: string, extra?: Record<string, string>): Child;
  /** CPU used between two Date.now() instants (measured while the load runs). */
  measureCpu(fromMs: number, toMs: number): Promise<Cpu>;
  /** SIGTERM every running child, SIGKILL after 10 s; resolves once all have exited. */
  stopAll(): Promise<void>;
};
/** One measured configuration: `latencies` (ms) of the commands completed inside the window. */
export type Row = { processes: number; seconds: number; latencies: number[]; problems: string[]; cpu: Cpu };
/** Cores busy during the window: this process (load generator, simulator), the Lyceum processes together, the whole machine. */
export type Cpu = { bench: number; lyceum: number; machine: number };
export type RoleResult = { role: string; title: string; rows: Row[] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const quiet = { info: () => {}, warn: (message: string) => console.warn(message) };
const numbers = (text: string) => text.split(',').map((part) => Number(part.trim())).filter((n) => Number.isInteger(n) && n > 0);

const knobs: Knobs = {
  durationS: Number(process.env.DURATION_S ?? 15),
  warmupS: Number(process.env.WARMUP_S ?? 3),
  inFlight: Number(process.env.IN_FLIGHT ?? 32),
  counts: numbers(process.env.PROCESSES ?? '1,2,4'),
};
const roles = (process.env.ROLES ?? 'bots,workers').split(',').map((role) => role.trim());

const children = new Set<Child>();
const killChildren = () => {
  for (const run of children) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
};
process.on('exit', killChildren);

const stops: Array<() => Promise<unknown>> = [];
let stopping: Promise<void> | undefined;
const cleanUp = () =>
  (stopping ??= (async () => {
    killChildren();
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.warn('cleanup step failed:', error));
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanUp().finally(() => process.exit(130)));
}

/** Private Postgres (or DATABASE_URL), PgBouncer in front of it, and Redis; each registered for clean-up. */
async function startServices() {
  const scratch = await mkdtemp('/tmp/lyceum-bench-scale-');
  await chmod(scratch, 0o755); // PgBouncer and Postgres run as `postgres` under root
  stops.push(() => rm(scratch, { recursive: true, force: true }));
  let directUrl = process.env.DATABASE_DIRECT_URL ?? process.env.DATABASE_URL;
  if (!directUrl) {
    const server: RunningPostgres = await startEmbeddedPostgres({ dir: path.join(scratch, 'pg'), database: 'bench', log: quiet, settings: { max_connections: '200' } });
    stops.push(() => server.stop());
    directUrl = server.url;
  }
  let pooledUrl = process.env.DATABASE_URL ?? directUrl;
  let pooler = process.env.DATABASE_URL ? 'DATABASE_URL' : 'none (PGBOUNCER=0)';
  if (!process.env.DATABASE_URL && process.env.PGBOUNCER !== '0') {
    try {
      const bouncer: RunningPgBouncer = await startEmbeddedPgBouncer({ dir: path.join(scratch, 'pgbouncer'), serverUrl: directUrl, log: quiet, poolSize: 20 });
      stops.push(() => bouncer.stop());
      pooledUrl = bouncer.url;
      pooler = 'PgBouncer, transaction mode, 20 server connections';
    } catch (error) {
      pooler = `none (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    }
  }
  const redis: RunningRedis = await startEmbeddedRedis({ dir: path.join(scratch, 'redis'), log: quiet, appendOnly: false });
  stops.push(() => redis.stop());
  await migrateDatabase(directUrl);
  return { scratch, directUrl, pooledUrl, pooler, redisUrl: redis.url };
}

/** `cli.ts <role>` as a real child process with exactly `env`, keeping the last 64 kB of its output. */
function startChild(name: string, role: string, env: Record<string, string>): Child {
  const run: Child = { ...startLyceum(role, env, { keepBytes: 65_536 }), name };
  children.add(run);
  void run.exited.then(() => children.delete(run));
  return run;
}

/** utime + stime of a process in seconds, from /proc (Linux; NaN elsewhere). */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  const stat = pid === undefined ? '' : await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return stat ? (Number(fields[11]) + Number(fields[12])) / 100 : Number.NaN;
}

/** Busy seconds of every core together since boot, from /proc/stat (NaN elsewhere). */
async function machineSeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0] ?? '';
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  if (!line.startsWith('cpu ') || ticks.length < 5) return Number.NaN;
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return (total - ticks[3]! - ticks[4]!) / 100;
}

async function measureCpu(fromMs: number, toMs: number): Promise<Cpu> {
  await sleep(fromMs - Date.now());
  const snapshot = async () => {
    const pids = [...children].map((run) => run.child.pid);
    const own = process.cpuUsage();
    return { bench: (own.user + own.system) / 1e6, lyceum: (await Promise.all(pids.map(cpuSeconds))).reduce((sum, value) => sum + value, 0), machine: await machineSeconds() };
  };
  const before = await snapshot();
  await sleep(toMs - Date.now());
  const after = await snapshot();
  const seconds = (toMs - fromMs) / 1000;
  return { bench: (after.bench - before.bench) / seconds, lyceum: (after.lyceum - before.lyceum) / seconds, machine: (after.machine - before.machine) / seconds };
}

async function stopChildren(): Promise<void> {
  const running = [...children];
  for (const run of running) run.child.kill('SIGTERM');
  await Promise.all(
    running.map(async (run) => {
      const killer = setTimeout(() => run.child.kill('SIGKILL'), 10_000);
      await run.exited;
      clearTimeout(killer);
    }),
  );
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

function printRole({ role, title, rows }: RoleResult): void {
  const rate = (row: Row) => row.latencies.length / row.seconds;
  const base = rows.find((row) => row.processes === 1) ?? rows[0];
  const single = base ? rate(base) / base.processes : Number.NaN;
  console.log(`\n${title}`);
  console.log('processes  commands/s    p50 ms    p99 ms  speed-up  efficiency  cores: lyceum  bench  machine  problems');
  const speedUps: Array<{ processes: number; speedUp: number }> = [];
  for (const row of rows) {
    const sorted = [...row.latencies].sort((a, b) => a - b);
    const speedUp = rate(row) / single;
    speedUps.push({ processes: row.processes, speedUp });
    const cells = [
      String(row.processes).padStart(9),
      rate(row).toFixed(1).padStart(11),
      percentile(sorted, 0.5).toFixed(1).padStart(9),
      percentile(sorted, 0.99).toFixed(1).padStart(9),
      `${speedUp.toFixed(2)}x`.padStart(9),
      (speedUp / row.processes).toFixed(2).padStart(11),
      row.cpu.lyceum.toFixed(2).padStart(14),
      row.cpu.bench.toFixed(2).padStart(6),
      row.cpu.machine.toFixed(2).padStart(8),
      ` ${row.problems.length ? row.problems.join(', ') : 'none'}`,
    ];
    console.log(cells.join(' '));
  }
  // Growing means at least 5% more than the configuration before it.
  const stall = speedUps.findIndex((entry, index) => index + 1 < speedUps.length && speedUps[index + 1]!.speedUp < entry.speedUp * 1.05);
  const last = speedUps[speedUps.length - 1];
  if (!last) return;
  console.log(
    stall >= 0
      ? `${role}: speed-up stops growing at ${speedUps[stall]!.processes} process(es) (${speedUps[stall]!.speedUp.toFixed(2)}x; ${speedUps[stall + 1]!.processes} give ${speedUps[stall + 1]!.speedUp.toFixed(2)}x, under +5%)`
      : `${role}: speed-up still growing at ${last.processes} processes (${last.speedUp.toFixed(2)}x)`,
  );
}

try {
  const dataKeyText = newDataKeyText('bench');
  const keys = parseDataKeys(dataKeyText);
  if ('error' in keys) throw new Error(keys.error);
  installDataKeys(keys);
  const services = await startServices();
  const direct = connectDatabase(services.directUrl, { max: 10 });
  const pooled = connectDatabase(services.pooledUrl, { max: 10 });
  stops.push(() => direct.close(), () => pooled.close());
  let started = 0;
  const context: ScaleContext = {
    knobs,
    db: direct.db,
    pooledDb: pooled.db,
    redisUrl: services.redisUrl,
    start: (role, name, extra = {}) =>
      startChild(name, role, {
        DATABASE_URL: services.pooledUrl,
        DATABASE_DIRECT_URL: services.directUrl,
        REDIS_URL: services.redisUrl,
        QUEUE_PREFIX: 'scale',
        HTTP_PORT: '0',
        LOG_LEVEL: 'info',
        DATA_DIR: path.join(services.scratch, 'data', `${name}-${(started += 1)}`),
        DATA_ENCRYPTION_KEY: dataKeyText,
        ...(process.env.WORKER_CONCURRENCY ? { WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY } : {}),
        ...extra,
      }),
    measureCpu,
    stopAll: stopChildren,
  };
  console.log(`bench:scale on ${cpus().length} CPU core(s) (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  console.log(`Postgres pooler: ${services.pooler}; ${knobs.inFlight} commands in flight; ${knobs.warmupS} s warm-up, ${knobs.durationS} s measured per configuration`);
  for (const role of roles) {
    const run = role === 'bots' ? (await import('./scale-bots.ts')).scaleBots : role === 'workers' ? (await import('./scale-workers.ts')).scaleWorkers : undefined;
    if (!run) throw new Error(`unknown role "${role}" in ROLES (bots, workers)`);
    const result = await run(context);
    await stopChildren();
    printRole(result);
  }
} catch (error) {
  process.exitCode = 1;
  console.error(error);
} finally {
  await cleanUp();
}
