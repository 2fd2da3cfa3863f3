import { sweepSupport } from '../../core/support/sweep.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** Re-queues stuck relays and pings staff about overdue tickets (core/support/sweep). */
export const sweepSupportJob = defineJob('support.sweep', async (deps, _payload, context) => {
  const result = await sweepSupport(deps);
  if (result.requeued || result.pinged) context.log.info(result, 'support sweep');
  return ok(result);
});
