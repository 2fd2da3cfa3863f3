import type { CommandDeps } from '../../core/commands/index.ts';
import type { PaymentProviders } from '../../core/commerce/providers.ts';
import type { Database } from '../../core/db/client.ts';
import { type Clock, type JobQueue, systemClock } from '../../core/ports.ts';
import type { JobKey, JobPayload } from '../../core/queue/contract.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createVegaCharts } from '../../bots/charts/vega-charts.ts';
import { createLocalFileStore } from '../../bots/files/local-file-store.ts';
import type { ChartRenderer } from '../../core/analytics/chart.ts';
import type { FileStore } from '../../core/files/file-store.ts';
import { silentLog } from './fakes.ts';

/**
 * A local file store in the test run's scratch directory (shared by the run's test files, being
 * content-addressed); outside vitest (benchmarks) a directory under the system's temp dir.
 */
export function scratchFileStore(): FileStore {
  let root: string;
  try {
    root = inject('scratchDir');
  } catch {
    root = path.join(tmpdir(), `lyceum-bench-${process.pid}`);
  }
  return createLocalFileStore(path.join(root, 'files'));
}

/** A JobQueue that records what would have been enqueued (for tests that run no workers). */
export class RecordingQueue implements JobQueue {
  readonly jobs: Array<{ key: JobKey; payload: unknown }> = [];
  async enqueue<K extends JobKey>(key: K, payload: JobPayload<K>): Promise<void> {
    this.jobs.push({ key, payload });
  }
  of<K extends JobKey>(key: K): Array<JobPayload<K>> {
    return this.jobs.filter((job) => job.key === key).map((job) => job.payload as JobPayload<K>);
  }
}

let charts: ChartRenderer | undefined;
/** The real chart renderer, made once per test file (it holds nothing but fonts' paths). */
const sharedCharts = () => (charts ??= createVegaCharts());

/** Command dependencies for core tests: the real database, a recording queue, the sandbox. */
export function commandDeps(
  db: Database,
  overrides: { queue?: JobQueue; clock?: Clock; payments?: PaymentProviders; support?: CommandDeps['support']; files?: FileStore } = {},
): CommandDeps {
  return {
    db,
    queue: overrides.queue ?? new RecordingQueue(),
    clock: overrides.clock ?? systemClock,
    log: silentLog,
    payments: overrides.payments ?? { sandbox: true },
    files: overrides.files ?? scratchFileStore(),
    charts: sharedCharts(),
    ...(overrides.support ? { support: overrides.support } : {}),
  };
}
