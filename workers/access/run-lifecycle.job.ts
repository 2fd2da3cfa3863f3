import { runLifecycle } from '../../core/access/lifecycle.ts';
import { defineJob } from '../define-job.ts';

/** Every 15 minutes: ends what ran out, reminds members whose access ends soon (core/access/lifecycle). */
export const runLifecycleJob = defineJob('access.run-lifecycle', async (deps, _payload, context) => {
  const result = await runLifecycle(deps);
  if (result.ok && (result.value.ended || result.value.reminded)) context.log.info(result.value, 'access lifecycle ran');
  return result;
});
