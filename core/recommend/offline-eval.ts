import { fitHybrid, type Tuning, tuneHybrid } from './hybrid.ts';
import { InteractionList } from './matrix.ts';
import { bootstrapInterval, mean, rankTargets, type Target } from './metrics.ts';
import { itemKnn } from './similarity.ts';
import { popularityScorer, profile, type Scorer, type TrainingData, trainingData } from './training-data.ts';

/** One interaction as a data file gives it: `ts` orders a user's rows (unix seconds or an ordinal). */
export type InteractionRow = { user: string; item: string; ts: number; category: string };

export type ModelResult = { name: string; recall: number; recallInterval: [number, number]; ndcg: number; ndcgInterval: [number, number] };

export type OfflineEvaluation = { users: number; items: number; interactions: number; duplicates: number; testUsers: number; skippedUsers: number; results: ModelResult[]; tuning: Tuning };

/**
 * The offline protocol (../shared/data/recs/README.md): repeats of a (user, item) pair dropped,
 * the first kept; each user with at least two interactions holds out their last by (ts, row
 * order); models fit on the rest; every item is ranked for each test user, their training items
 * removed, ties to the lower item id; Recall@10 and NDCG@10 with 95% bootstrap intervals, for
 * popularity, item-kNN and the shipped model (tuned on a validation split of the training part).
 * Users with one interaction are not tested (they are counted, and train the others).
 */
export function evaluateOffline(rows: InteractionRow[]): OfflineEvaluation {
  const seen = new Set<string>();
  const unique = rows.filter((row) => {
    const key = `${row.user}\u0000${row.item}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const itemIds = [...new Set(unique.map((row) => row.item))];
  const numeric = itemIds.every((id) => /^-?\d+$/.test(id));
  itemIds.sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
  const itemIndex = new Map(itemIds.map((id, index) => [id, index]));
  const features: string[][] = itemIds.map(() => []);
  const byUser = new Map<string, Array<{ item: number; ts: number; order: number }>>();
  unique.forEach((row, order) => {
    const item = itemIndex.get(row.item)!;
    if (row.category && !features[item]!.length) features[item]!.push(`category:${row.category}`);
    const list = byUser.get(row.user) ?? [];
    list.push({ item, ts: row.ts, order });
    byUser.set(row.user, list);
  });
  const interactions = new InteractionList();
  const targets: Target[] = [];
  let user = 0;
  let skippedUsers = 0;
  for (const list of byUser.values()) {
    list.sort((a, b) => a.ts - b.ts || a.order - b.order);
    const tested = list.length >= 2;
    if (!tested) skippedUsers += 1;
    for (const [n, entry] of list.entries()) {
      if (tested && n === list.length - 1) targets.push({ user, item: entry.item });
      else interactions.push(user, entry.item, 1);
    }
    user += 1;
  }
  const data = trainingData(interactions, byUser.size, features);
  const tuning = tuneHybrid(data);
  const models: Array<[string, Scorer]> = [
    ['pop', popularityScorer(data)],
    ['itemknn', sumOfNeighbours(data, itemKnn(data, { shrink: 10, neighbours: 100 }))],
    ['model', fitHybrid(data, tuning.params).scorer],
  ];
  const results = models.map(([name, scorer]) => {
    const ranked = rankTargets(scorer, data, targets);
    return { name, recall: mean(ranked.hits), recallInterval: bootstrapInterval(ranked.hits), ndcg: mean(ranked.ndcg), ndcgInterval: bootstrapInterval(ranked.ndcg) };
  });
  return { users: byUser.size, items: itemIds.length, interactions: unique.length, duplicates: rows.length - unique.length, testUsers: targets.length, skippedUsers, results, tuning };
}

/** score(u, j) = the sum of W[i][j] over the user's items i: item-kNN as the reference defines it. */
function sumOfNeighbours(data: TrainingData, weights: ReturnType<typeof itemKnn>): Scorer {
  return {
    scores(user, into) {
      into.fill(0);
      for (const item of profile(data, user).items) {
        for (let at = weights.indptr[item]!; at < weights.indptr[item + 1]!; at += 1) into[weights.indices[at]!]! += weights.values[at]!;
      }
    },
  };
}
