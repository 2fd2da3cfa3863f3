import { describe, expect, it } from 'vitest';
import { fitHybrid } from '../../../core/recommend/hybrid.ts';
import { parseInteractionsCsv } from '../../../core/recommend/interactions-csv.ts';
import { InteractionList } from '../../../core/recommend/matrix.ts';
import { seededRandom } from '../../../core/seeded-random.ts';
import { evaluateOffline, type InteractionRow } from '../../../core/recommend/offline-eval.ts';
import { allIndices, topK } from '../../../core/recommend/top-k.ts';
import { profile, trainingData } from '../../../core/recommend/training-data.ts';

/**
 * Interactions shaped like a course community: 60 courses in 6 categories, each category a track
 * members tend to take in order (course k, then k+1), with detours and a few popular courses
 * everyone takes, so there is something to learn beyond popularity.
 */
function generated(users: number, seed = 3): InteractionRow[] {
  const random = seededRandom(seed);
  const rows: InteractionRow[] = [];
  for (let user = 0; user < users; user += 1) {
    const track = Math.floor(random() * 6);
    let position = Math.floor(random() * 4);
    const length = 3 + Math.floor(random() * 6);
    const taken = new Set<number>();
    for (let step = 0; step < length; step += 1) {
      const detour = random() < 0.25;
      const item = detour ? Math.floor(random() * 5) * 12 : track * 10 + Math.min(9, position++);
      if (taken.has(item)) continue;
      taken.add(item);
      rows.push({ user: `u${user}`, item: String(item), ts: 1_700_000_000 + step * 86_400, category: `track-${Math.floor(item / 10)}` });
    }
  }
  return rows;
}

describe('the offline evaluation', () => {
  it('ranks ties to the lower index and skips what the member owns', () => {
    expect(Array.from(topK([1, 3, 3, 2, 3], allIndices(5), 3))).toEqual([1, 2, 4]);
    expect(Array.from(topK([1, 3, 3, 2, 3], allIndices(5), 3, (index) => index === 2))).toEqual([1, 4, 3]);
    expect(Array.from(topK([5, 4], allIndices(2), 10))).toEqual([0, 1]);
  });

  it('holds out each user’s last interaction, learns beyond popularity, and beats item-kNN with the tuned model', () => {
    const rows = generated(600);
    // A repeat of a pair and a user with one interaction: dropped and skipped, both counted.
    rows.push({ ...rows[0]! }, { user: 'loner', item: '7', ts: 1, category: 'track-0' });
    const evaluation = evaluateOffline(rows);
    expect(evaluation.duplicates).toBe(1);
    expect(evaluation.skippedUsers).toBe(1);
    expect(evaluation.testUsers).toBe(evaluation.users - 1);
    const recall = Object.fromEntries(evaluation.results.map((result) => [result.name, result.recall]));
    expect(recall.itemknn).toBeGreaterThan(recall.pop! * 1.5);
    expect(recall.model).toBeGreaterThan(recall.itemknn!);
    for (const result of evaluation.results) {
      expect(result.recallInterval[0]).toBeLessThanOrEqual(result.recall);
      expect(result.recallInterval[1]).toBeGreaterThanOrEqual(result.recall);
      expect(result.ndcg).toBeLessThanOrEqual(result.recall);
    }
    // Tuning saw the validation split only: the same rows give the same parameters.
    expect(evaluateOffline(rows).tuning.params).toEqual(evaluation.tuning.params);
  });

  it('gives the same top 10 from the member’s neighbourhood as from scoring every course', () => {
    const random = seededRandom(9);
    const interactions = new InteractionList();
    for (let user = 0; user < 300; user += 1) for (let n = 0; n < 2 + (user % 7); n += 1) interactions.push(user, Math.floor(random() ** 2 * 80), 1 + (n % 3));
    interactions.push(300, 5, 1); // and a member with one course; 301 has none
    const data = trainingData(interactions, 302, Array.from({ length: 90 }, (_, item) => [`category:${item % 6}`, `tag:${item % 11}`]));
    const { scorer } = fitHybrid(data, { alpha: 0.75, beta: 0.5, neighbours: 20, recency: 0.7, content: 0.2, popularity: 0.05 });
    const dense = new Float64Array(90);
    for (let user = 0; user < 302; user += 1) {
      const owned = new Set(profile(data, user).items);
      scorer.scores(user, dense);
      expect(Array.from(scorer.top!(user, 10, (item) => owned.has(item))), `member ${user}`).toEqual(Array.from(topK(dense, allIndices(90), 10, (item) => owned.has(item))));
    }
    // No history: the most popular courses.
    expect(Array.from(scorer.top!(301, 3))).toEqual(Array.from(topK(data.popularity, allIndices(90), 3)));
  });

  it('reads the CSV by its header, and says what is wrong with a bad file', () => {
    expect(parseInteractionsCsv('item,user,ts\n5,a,2\n6,a,1\n')).toEqual({ rows: [{ user: 'a', item: '5', ts: 2, category: '' }, { user: 'a', item: '6', ts: 1, category: '' }] });
    expect(parseInteractionsCsv('user,item,ts,category\n"a,b",1,3,"Data, Science"\n')).toEqual({ rows: [{ user: 'a,b', item: '1', ts: 3, category: 'Data, Science' }] });
    expect(parseInteractionsCsv('')).toEqual({ error: 'the file is empty' });
    expect(parseInteractionsCsv('user,item,ts,category\n')).toEqual({ error: 'the file has a header but no rows' });
    expect(parseInteractionsCsv('user,course,ts\n1,2,3\n')).toEqual({ error: 'the header must name user,item,ts,category; missing: item (found: user,course,ts)' });
    expect(parseInteractionsCsv('user,item,ts\n1,2,3\n1,3,yesterday\n')).toEqual({ error: 'row 3: ts must be an integer (unix seconds or an ordinal)' });
    expect(parseInteractionsCsv('user,item,ts\n1,2\n')).toEqual({ error: 'row 2: ts is missing' });
    expect(parseInteractionsCsv('user,item,ts\n"1,2,3\n')).toMatchObject({ error: expect.stringMatching(/^not a CSV file: /) });
  });
});
