import { applyGrant } from '../../core/access/apply-grant.ts';
import { defineJob } from '../define-job.ts';

/** Applies one access grant on its platform (see core/access/apply-grant). */
export const applyGrantJob = defineJob('access.apply-grant', async (deps, payload, context) => {
  const result = await applyGrant(deps, payload.grantId);
  if (result.ok) context.log.info({ grantId: payload.grantId, ...result.value }, 'access grant applied');
  return result;
});
