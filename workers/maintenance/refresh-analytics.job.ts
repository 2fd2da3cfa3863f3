import { refreshRollups } from '../../core/analytics/rollups.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** Every 5 minutes: /stats and the dashboard read revenue and activity from these rollups. */
export const refreshAnalyticsJob = defineJob('maintenance.refresh-analytics', async (deps, _payload, context) => {
  const refreshed = await refreshRollups(deps.db);
  context.log.info(refreshed, 'analytics rollups refreshed');
  return ok(refreshed);
});
