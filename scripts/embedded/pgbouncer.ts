import { spawn } from 'node:child_process';
import { chown, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { ensurePostgresUser } from './postgres.ts';
import { ensureTraversable, exists, freePort, isAlive, readPidFile, sleep, terminate, type ServiceLog } from './processes.ts';

export type EmbeddedPgBouncerOptions = {
  /** Holds `pgbouncer.ini`, `userlist.txt`, `pgbouncer.pid` and `pgbouncer.log`. */
  dir: string;
  /** The Postgres every database name is pooled to, with the user and password clients log in as. */
  serverUrl: string;
  log: ServiceLog;
  /** Server connections per (database, user) pair. */
  poolSize?: number;
};

export type RunningPgBouncer = {
  /** `serverUrl` with the host and port swapped for the pooler's. */
  url: string;
  port: number;
  stop(): Promise<void>;
};

/** Debian installs it under /usr/sbin, which a non-root PATH often lacks. */
export async function findPgBouncer(): Promise<string> {
  for (const candidate of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer']) {
    if (await exists(candidate)) return candidate;
  }
  throw new Error('pgbouncer is not installed: `npm test` installs it with apt-get on Debian/Ubuntu, or install PgBouncer >= 1.18');
}

/**
 * Runs a private PgBouncer in transaction mode in front of `serverUrl`, as a production
 * deployment runs it: every client transaction may land on a different server connection, so
 * anything that leans on session state (prepared statements, session locks, SET) breaks here
 * first. It refuses to run as root, so as root it runs as the `postgres` OS user.
 */
export async function startEmbeddedPgBouncer(options: EmbeddedPgBouncerOptions): Promise<RunningPgBouncer> {
  const binary = await findPgBouncer();
  const dir = path.resolve(options.dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const runAs = process.getuid?.() === 0 ? await ensurePostgresUser(options.log) : undefined;
  const pidFile = path.join(dir, 'pgbouncer.pid');
  const leftover = await readPidFile(pidFile);
  if (leftover !== undefined && isAlive(leftover)) await terminate(leftover, 'SIGTERM', 10_000);

  const server = new URL(options.serverUrl);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const port = await freePort();
  const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;
  await writeFile(path.join(dir, 'userlist.txt'), `${quoted(user)} ${quoted(password)}\n`, { mode: 0o600 });
  const logFile = path.join(dir, 'pgbouncer.log');
  const ini = [
    '[databases]',
    `* = host=${server.hostname} port=${server.port}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    "unix_socket_dir = ''",
    'auth_type = scram-sha-256',
    `auth_file = ${path.join(dir, 'userlist.txt')}`,
    'pool_mode = transaction',
    'max_client_conn = 4000',
    `default_pool_size = ${options.poolSize ?? 20}`,
    // Test databases come and go by the hundred: idle server connections to them go quickly.
    'server_idle_timeout = 5',
    'server_login_retry = 1',
    'ignore_startup_parameters = extra_float_digits,options',
    `logfile = ${logFile}`,
    `pidfile = ${pidFile}`,
    'log_connections = 0',
    'log_disconnections = 0',
  ].join('\n');
  const iniFile = path.join(dir, 'pgbouncer.ini');
  await writeFile(iniFile, `${ini}\n`, { mode: 0o600 });
  if (runAs) {
    await ensureTraversable(dir, options.log);
    for (const file of [dir, iniFile, path.join(dir, 'userlist.txt')]) await chown(file, runAs.uid, runAs.gid);
  }
  const output = await open(path.join(dir, 'stdout.log'), 'a');
  const child = spawn(binary, [iniFile], { detached: true, stdio: ['ignore', output.fd, output.fd], ...runAs });
  child.unref();
  await output.close();
  const pid = child.pid;
  if (pid === undefined) throw new Error('pgbouncer did not start');

  const pooled = new URL(options.serverUrl);
  pooled.hostname = '127.0.0.1';
  pooled.port = String(port);
  await waitUntilReady(pooled.toString(), pid, logFile);
  options.log.info(`PgBouncer (transaction mode) ready on 127.0.0.1:${port} in front of ${server.hostname}:${server.port}`);
  return { url: pooled.toString(), port, stop: () => terminate(pid, 'SIGTERM', 10_000) };
}

async function waitUntilReady(url: string, pid: number, logFile: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && isAlive(pid)) {
    const sql = postgres(url, { max: 1, prepare: false, onnotice: () => {}, connect_timeout: 2 });
    try {
      await sql`select 1`;
      return;
    } catch {
      // not listening yet
    } finally {
      await sql.end({ timeout: 1 });
    }
    await sleep(50);
  }
  const tail = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-10).join('\n');
  throw new Error(`PgBouncer did not become ready; last lines of ${logFile}:\n${tail}`);
}
