import { profile, type Scorer, type TrainingData } from './training-data.ts';
import { allIndices, topK } from './top-k.ts';
import { seededRandom } from '../seeded-random.ts';

export type Target = { user: number; item: number };

/** Per target: 1 if its item is in the top `k` (Recall@k = HR@k with one held-out item) and its NDCG@k. */
export type Ranked = { hits: Float64Array; ndcg: Float64Array };

/**
 * Ranks every item for each target's member, the member's own training items removed, ties to
 * the lower index, and scores the held-out item's place in the top `k`.
 */
export function rankTargets(scorer: Scorer, data: TrainingData, targets: Target[], k = 10): Ranked {
  const items = data.byItem.rows;
  const scores = new Float64Array(items);
  const owned = new Uint8Array(items);
  const candidates = allIndices(items);
  const hits = new Float64Array(targets.length);
  const ndcg = new Float64Array(targets.length);
  targets.forEach((target, index) => {
    const mine = profile(data, target.user).items;
    for (const item of mine) owned[item] = 1;
    const skip = (item: number) => owned[item] === 1;
    let top: Int32Array;
    if (scorer.top) top = scorer.top(target.user, k, skip);
    else {
      scorer.scores(target.user, scores);
      top = topK(scores, candidates, k, skip);
    }
    for (const item of mine) owned[item] = 0;
    const rank = top.indexOf(target.item);
    if (rank >= 0) {
      hits[index] = 1;
      ndcg[index] = 1 / Math.log2(rank + 2);
    }
  });
  return { hits, ndcg };
}

export const mean = (values: Float64Array) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0);

/** The percentile bootstrap 95% interval of the mean over targets (`resamples` resamples). */
export function bootstrapInterval(values: Float64Array, resamples = 1_000, seed = 1): [number, number] {
  if (!values.length) return [0, 0];
  const random = seededRandom(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r += 1) {
    let sum = 0;
    for (let n = 0; n < values.length; n += 1) sum += values[Math.floor(random() * values.length)]!;
    means[r] = sum / values.length;
  }
  means.sort();
  return [means[Math.floor(0.025 * resamples)]!, means[Math.min(resamples - 1, Math.ceil(0.975 * resamples) - 1)]!];
}
