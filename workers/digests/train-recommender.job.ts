import { communities } from '../../core/db/schema/index.ts';
import { trainCommunity } from '../../core/recommend/train.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** Nightly, or for one community on demand: trains the recommender (core/recommend/train). */
export const trainRecommenderJob = defineJob('digests.train-recommender', async (deps, payload, context) => {
  const ids = payload.communityId ? [payload.communityId] : (await deps.db.select({ id: communities.id }).from(communities)).map((row) => row.id);
  const runs = [];
  for (const communityId of ids) {
    const run = await trainCommunity(deps, communityId);
    context.log.info({ communityId, ...run }, 'recommender trained');
    runs.push(run);
  }
  return ok({ communities: runs.length });
});
