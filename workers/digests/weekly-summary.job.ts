import { planWeeklySummaries } from '../../core/analytics/weekly-summary.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** Hourly: plans the owners' weekly summaries that are due (core/analytics/weekly-summary). */
export const weeklySummaryJob = defineJob('digests.weekly-summary', async (deps) => ok(await planWeeklySummaries(deps)));
