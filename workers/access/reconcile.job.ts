import { reconcileAll } from '../../core/access/reconcile.ts';
import { defineJob } from '../define-job.ts';

/** Hourly: platforms compared with entitlements, Lyceum's own grants repaired (core/access/reconcile). */
export const reconcileJob = defineJob('access.reconcile', async (deps, _payload, context) => {
  const result = await reconcileAll(deps);
  if (result.ok && (result.value.differences || result.value.unblocked)) context.log.info(result.value, 'access reconciled');
  return result;
});
