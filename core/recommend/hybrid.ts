import { contentSimilarity } from './content.ts';
import type { Csr } from './matrix.ts';
import { mean, rankTargets } from './metrics.ts';
import { rp3beta } from './similarity.ts';
import { holdOutLast, profile, type Scorer, type TrainingData } from './training-data.ts';

/**
 * The shipped recommender: w_cf · CF + w_content · content + w_pop · popularity, where CF is
 * RP3beta over who-has-what and content is the similarity of the courses' own features; a
 * member's items count by their strength and by how recent they are (`recency` per step back
 * in the member's own sequence: 1 is no decay). CF is scaled to the member's best CF score so
 * the weights mean the same for every member; a member with no history gets popularity.
 */
export type HybridParams = { alpha: number; beta: number; neighbours: number; recency: number; content: number; popularity: number };

export type HybridModel = { params: HybridParams; cf: Csr; content: Csr; scorer: Scorer };

/** Popularity always counts a little, so equal scores (a member with no history) go to the popular course. */
const POPULARITY_FLOOR = 1e-6;
const CONTENT_NEIGHBOURS = 100;

export function fitHybrid(data: TrainingData, params: HybridParams, content = contentSimilarity(data.features, CONTENT_NEIGHBOURS)): HybridModel {
  const cf = rp3beta(data, params);
  return { params, cf, content, scorer: hybridScorer(data, cf, content, params) };
}

function hybridScorer(data: TrainingData, cf: Csr, content: Csr, params: HybridParams): Scorer {
  const items = data.byItem.rows;
  const collaborative = new Float64Array(items);
  const similar = new Float64Array(items);
  let maxPopularity = 0;
  for (const value of data.popularity) maxPopularity = Math.max(maxPopularity, value);
  const popularity = Float64Array.from(data.popularity, (value) => (maxPopularity ? value / maxPopularity : 0));
  const spread = (matrix: Csr, item: number, weight: number, into: Float64Array) => {
    for (let at = matrix.indptr[item]!; at < matrix.indptr[item + 1]!; at += 1) into[matrix.indices[at]!]! += weight * matrix.values[at]!;
  };
  return {
    scores(user, into) {
      collaborative.fill(0);
      similar.fill(0);
      const { items: mine, weights } = profile(data, user);
      let total = 0;
      for (let n = 0; n < mine.length; n += 1) {
        const weight = weights[n]! * params.recency ** (mine.length - 1 - n);
        total += weight;
        spread(cf, mine[n]!, weight, collaborative);
        if (params.content) spread(content, mine[n]!, weight, similar);
      }
      let best = 0;
      for (const value of collaborative) best = Math.max(best, value);
      const popularityWeight = params.popularity + POPULARITY_FLOOR;
      for (let item = 0; item < items; item += 1) {
        into[item] = (best ? collaborative[item]! / best : 0) + (total ? (params.content * similar[item]!) / total : 0) + popularityWeight * popularity[item]!;
      }
    },
  };
}

const GRID = {
  alpha: [0.5, 0.75, 1],
  beta: [0.2, 0.35, 0.5, 0.65, 0.8],
  recency: [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
  content: [0, 0.02, 0.05, 0.1, 0.2, 0.4],
  popularity: [0, 0.01, 0.03, 0.1],
};
export const DEFAULT_PARAMS: HybridParams = { alpha: 1, beta: 0.5, neighbours: 100, recency: 1, content: 0, popularity: 0 };

export type Tuning = { params: HybridParams; validation: { recall: number; ndcg: number; targets: number } };

/**
 * Learns the parameters on a validation split of the training data (each member's latest item
 * held out): first the walk's alpha and beta, then the recency and the blend weights with that
 * walk. Chosen by Recall@10, NDCG@10 breaking ties. At most `maxTargets` members are ranked per
 * try, so a large community tunes in bounded time.
 */
export function tuneHybrid(data: TrainingData, options: { neighbours?: number; maxTargets?: number } = {}): Tuning {
  const { train, targets } = holdOutLast(data, { maxTargets: options.maxTargets ?? 5_000 });
  const neighbours = options.neighbours ?? DEFAULT_PARAMS.neighbours;
  const content = contentSimilarity(train.features, CONTENT_NEIGHBOURS);
  let best: Tuning | undefined;
  const consider = (params: HybridParams, cf: Csr) => {
    const ranked = rankTargets(hybridScorer(train, cf, content, params), train, targets);
    const result = { params, validation: { recall: mean(ranked.hits), ndcg: mean(ranked.ndcg), targets: targets.length } };
    if (!best || result.validation.recall > best.validation.recall || (result.validation.recall === best.validation.recall && result.validation.ndcg > best.validation.ndcg)) best = result;
  };
  const walks = new Map<string, Csr>();
  for (const alpha of GRID.alpha) {
    for (const beta of GRID.beta) {
      const params = { ...DEFAULT_PARAMS, neighbours, alpha, beta, recency: 0.8 };
      const cf = rp3beta(train, params);
      walks.set(`${alpha}|${beta}`, cf);
      consider(params, cf);
    }
  }
  const walk = best!.params;
  const cf = walks.get(`${walk.alpha}|${walk.beta}`)!;
  for (const recency of GRID.recency) for (const weight of GRID.content) for (const popularity of GRID.popularity) consider({ ...walk, recency, content: weight, popularity }, cf);
  return best!;
}
