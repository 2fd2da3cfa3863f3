import { pruneStoredPayloads } from '../../core/button-payloads.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** Daily: forgets long button payloads nobody has been shown for a month. Idempotent. */
export const pruneButtonPayloadsJob = defineJob('maintenance.prune-button-payloads', async (deps, _payload, context) => {
  const pruned = await pruneStoredPayloads(deps.db, deps.clock.now());
  context.log.info({ pruned }, 'stored button payloads pruned');
  return ok(pruned);
});
