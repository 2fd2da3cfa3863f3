import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, sleep, type ServiceLog } from './processes.ts';
import { startEmbeddedPostgres } from './postgres.ts';
import { startEmbeddedRedis } from './redis.ts';

export type LocalServices = {
  databaseUrl: string;
  /** Empty when Redis is reached some other way (`redisElsewhere`: Sentinel or a cluster). */
  redisUrl: string;
  /** True when this process started the embedded servers and must stop them. */
  owner: boolean;
  stop(): Promise<void>;
};

type OwnerFile = { pid: number; ready: boolean; databaseUrl?: string; redisUrl?: string };

/**
 * Provides Postgres and Redis: the configured URLs where given, otherwise embedded servers under
 * `dataDir`. The first Lyceum process on a data directory owns the embedded servers (recorded in
 * `owner.json`); later ones (`npm run seed` while `npm start` runs) attach to them instead of
 * restarting them, and a dead owner's servers are restarted cleanly.
 */
export async function provideServices(
  options: { dataDir: string; databaseUrl?: string | undefined; redisUrl?: string | undefined; redisElsewhere?: boolean },
  log: ServiceLog,
): Promise<LocalServices> {
  const redisGiven = options.redisUrl ?? (options.redisElsewhere ? '' : undefined);
  if (options.databaseUrl && redisGiven !== undefined) {
    return { databaseUrl: options.databaseUrl, redisUrl: redisGiven, owner: false, stop: async () => {} };
  }
  const ownerFile = path.join(options.dataDir, 'owner.json');
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const attached = await attachToOwner(ownerFile, log);
  if (attached) {
    return {
      databaseUrl: options.databaseUrl ?? required(attached.databaseUrl, 'database'),
      redisUrl: redisGiven ?? required(attached.redisUrl, 'redis'),
      owner: false,
      stop: async () => {},
    };
  }

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
    await rm(ownerFile, { force: true });
  };
  try {
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dir: path.join(options.dataDir, 'pg'), database: 'lyceum', log });
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    let redisUrl = redisGiven;
    if (redisUrl === undefined) {
      const redis = await startEmbeddedRedis({ dir: path.join(options.dataDir, 'redis'), log });
      stops.push(redis.stop);
      redisUrl = redis.url;
    }
    const record: OwnerFile = { pid: process.pid, ready: true, databaseUrl, redisUrl };
    await writeFile(ownerFile, JSON.stringify(record), { mode: 0o600 });
    return { databaseUrl, redisUrl, owner: true, stop: stopAll };
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
}

/**
 * Takes the owner lock (returns undefined) or returns the live owner's record once its servers
 * are ready. A lock left by a dead process is taken over.
 */
async function attachToOwner(ownerFile: string, log: ServiceLog): Promise<OwnerFile | undefined> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const handle = await open(ownerFile, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, ready: false } satisfies OwnerFile));
      await handle.close();
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const record = await readOwner(ownerFile);
    if (!record || !isAlive(record.pid) || record.pid === process.pid) {
      await rm(ownerFile, { force: true });
      continue;
    }
    if (record.ready) {
      log.info(`using the embedded servers of the Lyceum process ${record.pid}`);
      return record;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for the Lyceum process in ${ownerFile} to start its servers`);
}

async function readOwner(file: string): Promise<OwnerFile | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as OwnerFile;
  } catch {
    return undefined;
  }
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`the owning Lyceum process runs no embedded ${what}`);
  return value;
}
