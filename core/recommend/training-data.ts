import { buildUserItems, InteractionList, type Interactions, type UserItems } from './matrix.ts';

/**
 * What a recommender learns from: who has what (in each member's time order, with a strength
 * each), and each item's content features (category, tags, level, language, words), by dense
 * index. Popularity is each item's number of members.
 */
export type TrainingData = UserItems & { features: string[][]; popularity: Float64Array };

export function trainingData(interactions: Interactions, users: number, features: string[][]): TrainingData {
  const matrix = buildUserItems(interactions, users, features.length);
  const popularity = new Float64Array(features.length);
  for (let item = 0; item < features.length; item += 1) popularity[item] = matrix.byItem.indptr[item + 1]! - matrix.byItem.indptr[item]!;
  return { ...matrix, features, popularity };
}

/**
 * A fitted model: every item's score for one member (higher is better), written into `into`;
 * `top`, when the model has it, gives the member's best k directly (ties to the lower index),
 * as `scores` would rank them, without scoring the whole catalogue.
 */
export type Scorer = { scores(user: number, into: Float64Array): void; top?(user: number, k: number, skip?: (item: number) => boolean): Int32Array };

/** The member's items, oldest first, and their strengths. */
export function profile(data: TrainingData, user: number): { items: Int32Array; weights: Float32Array } {
  const from = data.byUser.indptr[user]!;
  const to = data.byUser.indptr[user + 1]!;
  return { items: data.byUser.indices.subarray(from, to), weights: data.byUser.values.subarray(from, to) };
}

export function popularityScorer(data: TrainingData): Scorer {
  return { scores: (_user, into) => into.set(data.popularity) };
}

/**
 * The validation split: each member with at least two items loses their latest, which becomes
 * their target; everything else is the training part. Tuning on this never sees a test item.
 */
export function holdOutLast(data: TrainingData, options: { maxTargets?: number; seed?: number } = {}): { train: TrainingData; targets: Array<{ user: number; item: number }> } {
  const interactions = new InteractionList();
  let targets: Array<{ user: number; item: number }> = [];
  for (let user = 0; user < data.byUser.rows; user += 1) {
    const { items, weights } = profile(data, user);
    const last = items.length >= 2 ? items.length - 1 : items.length;
    for (let n = 0; n < last; n += 1) interactions.push(user, items[n]!, weights[n]!);
    if (last < items.length) targets.push({ user, item: items[last]! });
  }
  if (options.maxTargets && targets.length > options.maxTargets) {
    // A fixed sample of members keeps tuning affordable on a large community.
    const step = targets.length / options.maxTargets;
    targets = Array.from({ length: options.maxTargets }, (_, n) => targets[Math.floor(n * step)]!);
  }
  return { train: trainingData(interactions, data.byUser.rows, data.features), targets };
}

/** Every `step`-th member only (at most `maxUsers`), with all the items: tuning on a large community reads a sample. */
export function sampleUsers(data: TrainingData, maxUsers: number): TrainingData {
  if (data.byUser.rows <= maxUsers) return data;
  const step = data.byUser.rows / maxUsers;
  const interactions = new InteractionList();
  for (let n = 0; n < maxUsers; n += 1) {
    const { items, weights } = profile(data, Math.floor(n * step));
    for (let k = 0; k < items.length; k += 1) interactions.push(n, items[k]!, weights[k]!);
  }
  return trainingData(interactions, maxUsers, data.features);
}
