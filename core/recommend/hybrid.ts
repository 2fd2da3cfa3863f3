import { contentSimilarity } from './content.ts';
import type { Csr } from './matrix.ts';
import { mean, rankTargets } from './metrics.ts';
import { rp3beta } from './similarity.ts';
import { allIndices, topK } from './top-k.ts';
import { holdOutLast, profile, sampleUsers, type Scorer, type TrainingData } from './training-data.ts';

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

/**
 * Scores only what the member's courses reach (their CF and content neighbours); every other
 * course scores its popularity alone, so the best of those are the most popular ones, taken in
 * that order. The top k is exact, and costs the member's neighbourhood, not the catalogue.
 */
function hybridScorer(data: TrainingData, cf: Csr, content: Csr, params: HybridParams): Scorer {
  const items = data.byItem.rows;
  const collaborative = new Float64Array(items);
  const similar = new Float64Array(items);
  const reached = new Uint8Array(items);
  const touched = new Int32Array(items);
  const scores = new Float64Array(items);
  let maxPopularity = 0;
  for (const value of data.popularity) maxPopularity = Math.max(maxPopularity, value);
  const popularity = Float64Array.from(data.popularity, (value) => (maxPopularity ? value / maxPopularity : 0));
  const byPopularity = topK(popularity, allIndices(items), items);
  const popularityWeight = params.popularity + POPULARITY_FLOOR;

  /** Fills `scores` for the reached courses; returns how many were reached (listed in `touched`). */
  const reach = (user: number): number => {
    let count = 0;
    const spread = (matrix: Csr, item: number, weight: number, into: Float64Array) => {
      for (let at = matrix.indptr[item]!; at < matrix.indptr[item + 1]!; at += 1) {
        const other = matrix.indices[at]!;
        if (!reached[other]) {
          reached[other] = 1;
          touched[count++] = other;
        }
        into[other]! += weight * matrix.values[at]!;
      }
    };
    const { items: mine, weights } = profile(data, user);
    let total = 0;
    for (let n = 0; n < mine.length; n += 1) {
      const weight = weights[n]! * params.recency ** (mine.length - 1 - n);
      total += weight;
      spread(cf, mine[n]!, weight, collaborative);
      if (params.content) spread(content, mine[n]!, weight, similar);
    }
    let best = 0;
    for (let n = 0; n < count; n += 1) best = Math.max(best, collaborative[touched[n]!]!);
    for (let n = 0; n < count; n += 1) {
      const item = touched[n]!;
      scores[item] = (best ? collaborative[item]! / best : 0) + (total ? (params.content * similar[item]!) / total : 0) + popularityWeight * popularity[item]!;
    }
    return count;
  };
  const clear = (count: number) => {
    for (let n = 0; n < count; n += 1) {
      const item = touched[n]!;
      reached[item] = 0;
      collaborative[item] = 0;
      similar[item] = 0;
    }
  };
  return {
    scores(user, into) {
      const count = reach(user);
      for (let item = 0; item < items; item += 1) into[item] = reached[item] ? scores[item]! : popularityWeight * popularity[item]!;
      clear(count);
    },
    top(user, k, skip) {
      let count = reach(user);
      // The best unreached courses are the most popular unreached ones.
      let added = 0;
      const reachedCount = count;
      for (let n = 0; n < items && added < k; n += 1) {
        const item = byPopularity[n]!;
        if (reached[item] || skip?.(item)) continue;
        scores[item] = popularityWeight * popularity[item]!;
        touched[count++] = item;
        added += 1;
      }
      const best = topK(scores, touched.subarray(0, count), k, skip);
      for (let n = reachedCount; n < count; n += 1) scores[touched[n]!] = 0;
      clear(reachedCount);
      return best;
    },
  };
}

const GRID = {
  alpha: [0.5, 0.75, 1],
  beta: [0.2, 0.35, 0.5, 0.65, 0.8],
  recency: [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2],
  content: [0, 0.02, 0.05, 0.1, 0.2, 0.4],
  popularity: [0, 0.01, 0.03, 0.1],
};
export const DEFAULT_PARAMS: HybridParams = { alpha: 1, beta: 0.5, neighbours: 100, recency: 1, content: 0, popularity: 0 };

export type Tuning = { params: HybridParams; validation: { recall: number; ndcg: number; targets: number } };

/**
 * Learns the parameters on a validation split of the training data (each member's latest item
 * held out). Chosen by Recall@10, NDCG@10 breaking ties. A large community tunes on a sample of
 * `maxUsers` members, `maxTargets` of them ranked per try, so tuning takes bounded time.
 */
export function tuneHybrid(data: TrainingData, options: { neighbours?: number; maxTargets?: number; maxUsers?: number; content?: Csr } = {}): Tuning {
  const { train, targets } = holdOutLast(sampleUsers(data, options.maxUsers ?? 20_000), { maxTargets: options.maxTargets ?? 2_000 });
  const neighbours = options.neighbours ?? DEFAULT_PARAMS.neighbours;
  // Content depends on the courses only: the same for the split as for everyone.
  const content = options.content ?? contentSimilarity(train.features, CONTENT_NEIGHBOURS);
  let best: Tuning | undefined;
  const consider = (params: HybridParams, cf: Csr) => {
    const ranked = rankTargets(hybridScorer(train, cf, content, params), train, targets);
    const result = { params, validation: { recall: mean(ranked.hits), ndcg: mean(ranked.ndcg), targets: targets.length } };
    if (!best || result.validation.recall > best.validation.recall || (result.validation.recall === best.validation.recall && result.validation.ndcg > best.validation.ndcg)) best = result;
  };
  // Coordinate by coordinate, each from the best so far, twice over (the walk and the recency
  // interact): recency, the walk's beta and alpha (each a new walk), the content and popularity weights.
  const walks = new Map<string, Csr>();
  const walkOf = (params: HybridParams) => {
    const key = `${params.alpha}|${params.beta}`;
    let cf = walks.get(key);
    if (!cf) walks.set(key, (cf = rp3beta(train, params)));
    return cf;
  };
  const start = { ...DEFAULT_PARAMS, neighbours };
  consider(start, walkOf(start));
  for (let round = 0; round < 2; round += 1) {
    for (const recency of GRID.recency) consider({ ...best!.params, recency }, walkOf(best!.params));
    for (const beta of GRID.beta) consider({ ...best!.params, beta }, walkOf({ ...best!.params, beta }));
    for (const alpha of GRID.alpha) consider({ ...best!.params, alpha }, walkOf({ ...best!.params, alpha }));
    for (const weight of GRID.content) consider({ ...best!.params, content: weight }, walkOf(best!.params));
    for (const popularity of GRID.popularity) consider({ ...best!.params, popularity }, walkOf(best!.params));
  }
  return best!;
}
