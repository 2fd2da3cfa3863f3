import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { isAlive, readPidFile } from '../../../scripts/embedded/processes.ts';
import { startEmbeddedPostgres } from '../../../scripts/embedded/postgres.ts';
import { startEmbeddedRedis } from '../../../scripts/embedded/redis.ts';
import { projectRoot } from '../../support/processes.ts';

const quiet = { info: () => {}, warn: () => {} };
const scratch = (name: string) => path.join(inject('scratchDir'), name);
type Provided = { databaseUrl: string; redisUrl: string; owner: boolean };

/** Starts test/support/run-services.ts and resolves with what it provided. */
function runServices(dataDir: string): Promise<{ child: ChildProcess; provided: Provided }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/run-services.ts', dataDir], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve({ child, provided: JSON.parse(chunk.toString()) as Provided }));
    child.once('exit', (code) => reject(new Error(`run-services exited with ${code}`)));
  });
}

const exitOf = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

async function query<T extends object>(url: string, text: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(text)) as unknown as T[];
  } finally {
    await sql.end();
  }
}

describe('embedded Postgres', () => {
  it('keeps its data across a restart', async () => {
    const dir = scratch('pg-persist');
    const first = await startEmbeddedPostgres({ dir, database: 'lyceum', log: quiet });
    await query(first.url, "create table notes (body text); insert into notes values ('kept')");
    await first.stop();
    const second = await startEmbeddedPostgres({ dir, database: 'lyceum', log: quiet });
    try {
      expect(await query<{ body: string }>(second.url, 'select body from notes')).toEqual([{ body: 'kept' }]);
    } finally {
      await second.stop();
    }
  });
});

describe('embedded Redis', () => {
  it('keeps queued jobs across a restart (append-only file)', async () => {
    const dir = scratch('redis-persist');
    const first = await startEmbeddedRedis({ dir, log: quiet });
    const producer = new Redis(first.url, { maxRetriesPerRequest: null });
    const queue = new Queue('payments', { connection: producer, prefix: 'persist' });
    await queue.add('apply', { eventId: 'evt_1' });
    await queue.close();
    await producer.quit();
    await first.stop();

    const second = await startEmbeddedRedis({ dir, log: quiet });
    const reader = new Redis(second.url, { maxRetriesPerRequest: null });
    const reopened = new Queue('payments', { connection: reader, prefix: 'persist' });
    try {
      const [job] = await reopened.getWaiting();
      expect(job?.data).toEqual({ eventId: 'evt_1' });
    } finally {
      await reopened.close();
      await reader.quit();
      await second.stop();
    }
  });
});

describe('provideServices', () => {
  it('lets a second process attach to the running owner’s servers instead of restarting them', async () => {
    const dataDir = scratch('attach');
    const owner = await runServices(dataDir);
    const guest = await runServices(dataDir);
    try {
      expect(owner.provided.owner).toBe(true);
      expect(guest.provided).toEqual({ ...owner.provided, owner: false });
      guest.child.kill('SIGTERM');
      await exitOf(guest.child);
      expect(await query<{ one: number }>(owner.provided.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      owner.child.kill('SIGTERM');
      await exitOf(owner.child);
    }
  });

  it('restarts cleanly the servers of an owner that was killed, keeping their data', async () => {
    const dataDir = scratch('orphans');
    const crashed = await runServices(dataDir);
    await query(crashed.provided.databaseUrl, "create table survivors (name text); insert into survivors values ('ada')");
    crashed.child.kill('SIGKILL');
    await exitOf(crashed.child);

    const orphanPostgres = await readPidFile(path.join(dataDir, 'pg', 'data', 'postmaster.pid'));
    const orphanRedis = await readPidFile(path.join(dataDir, 'redis', 'redis.pid'));
    expect(orphanPostgres && isAlive(orphanPostgres)).toBe(true);
    expect(orphanRedis && isAlive(orphanRedis)).toBe(true);

    const next = await runServices(dataDir);
    try {
      expect(next.provided.owner).toBe(true);
      expect(isAlive(orphanPostgres!)).toBe(false);
      expect(isAlive(orphanRedis!)).toBe(false);
      expect(await query<{ name: string }>(next.provided.databaseUrl, 'select name from survivors')).toEqual([{ name: 'ada' }]);
    } finally {
      next.child.kill('SIGTERM');
      await exitOf(next.child);
    }
    const owner = await readFile(path.join(dataDir, 'owner.json'), 'utf8').catch(() => 'removed');
    expect(owner).toBe('removed');
  });
});
