import { mkdtemp, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { connectDatabase, type DatabaseConnection } from '../core/db/client.ts';
import { migrateDatabase } from '../core/db/migrate.ts';
import { installDataKeys, newDataKeyText, parseDataKeys } from '../core/safety/sealed-values.ts';
import { startEmbeddedPostgres } from '../scripts/embedded/postgres.ts';

const quiet = { info: () => {}, warn: (message: string) => console.warn(message) };

/** A throwaway migrated database: DATABASE_URL when set, else a private embedded cluster; a fresh data key. */
export async function benchDatabase(): Promise<DatabaseConnection & { dispose(): Promise<void> }> {
  const keys = parseDataKeys(newDataKeyText('bench'));
  if ('error' in keys) throw new Error(keys.error);
  installDataKeys(keys);
  if (process.env.DATABASE_URL) {
    await migrateDatabase(process.env.DATABASE_URL);
    const connection = connectDatabase(process.env.DATABASE_URL);
    return { ...connection, dispose: connection.close };
  }
  const dir = await mkdtemp('/tmp/lyceum-bench-');
  const server = await startEmbeddedPostgres({ dir, database: 'bench', log: quiet });
  await migrateDatabase(server.url);
  const connection = connectDatabase(server.url);
  return {
    ...connection,
    async dispose() {
      await connection.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type Timing = { name: string; runs: number; p50: number; p95: number; p99: number; max: number };

/** Runs `fn` sequentially after a warm-up and returns latency percentiles in milliseconds. */
export async function measure(name: string, fn: () => Promise<unknown>, runs = 300, warmup = 30): Promise<Timing> {
  for (let i = 0; i < warmup; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { name, runs, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: samples[samples.length - 1] ?? Number.NaN };
}

export function printTimings(title: string, timings: Timing[]): void {
  const width = Math.max(...timings.map((t) => t.name.length), 10);
  const ms = (value: number) => value.toFixed(2).padStart(8);
  console.log(`\n${title}`);
  console.log(`${'case'.padEnd(width)}  runs      p50      p95      p99      max  (ms)`);
  for (const t of timings) {
    console.log(`${t.name.padEnd(width)}  ${String(t.runs).padStart(4)} ${ms(t.p50)} ${ms(t.p95)} ${ms(t.p99)} ${ms(t.max)}`);
  }
}
