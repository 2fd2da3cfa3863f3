import type { JobKey } from '../core/queue/contract.ts';
import type { JobDefinition } from './define-job.ts';
import { pruneButtonPayloadsJob } from './maintenance/prune-button-payloads.job.ts';
import { refreshCourseStatsJob } from './maintenance/refresh-course-stats.job.ts';

/** Every job of the contract and its handler; a contract job without a handler fails to compile. */
export const jobRegistry = {
  'maintenance.refresh-course-stats': refreshCourseStatsJob,
  'maintenance.prune-button-payloads': pruneButtonPayloadsJob,
} satisfies { [K in JobKey]: JobDefinition<K> };
