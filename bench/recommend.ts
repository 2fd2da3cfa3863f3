/**
 * The recommender at scale, in memory (no database: this is the training job's arithmetic):
 * USERS members (default 100,000) × ITEMS courses (10,000) with about INTERACTIONS interactions
 * (5,000,000), generated with the shape of a course community (tracks taken in order, a long tail
 * of popularity, detours). Times each step of a training run — the matrix, content similarity,
 * tuning on a validation split of a sample, the final fit — and scoring the top 10 for every
 * member; prints wall time and peak memory (RSS). Numbers are printed, never asserted.
 * Run: `npm run bench:recommend`.
 */
import { performance } from 'node:perf_hooks';
import { contentSimilarity } from '../core/recommend/content.ts';
import { fitHybrid, tuneHybrid } from '../core/recommend/hybrid.ts';
import { InteractionList } from '../core/recommend/matrix.ts';
import { seededRandom } from '../core/seeded-random.ts';
import { profile, trainingData } from '../core/recommend/training-data.ts';
import { allIndices, topK } from '../core/recommend/top-k.ts';

const users = Number(process.env.USERS ?? 100_000);
const items = Number(process.env.ITEMS ?? 10_000);
const target = Number(process.env.INTERACTIONS ?? 5_000_000);
const CATEGORIES = 50;
const TAGS = 400;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const steps: Array<[string, number]> = [];
function step<T>(name: string, fn: () => T): T {
  const started = performance.now();
  const value = fn();
  steps.push([name, performance.now() - started]);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return value;
}

const { interactions, features } = step('generate (not part of training)', () => {
  const random = seededRandom(11);
  const perTrack = Math.ceil(items / CATEGORIES);
  // Popularity falls off as 1/rank^0.8 (a Zipf-like tail).
  const cumulative = new Float64Array(items);
  let sum = 0;
  for (let item = 0; item < items; item += 1) cumulative[item] = sum += 1 / (item + 1) ** 0.8;
  const popular = () => {
    const at = random() * sum;
    let low = 0;
    let high = items - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < at) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  const list = new InteractionList();
  const mean = target / users;
  for (let user = 0; user < users; user += 1) {
    const track = Math.floor(random() * CATEGORIES);
    let position = Math.floor(random() * perTrack);
    const length = Math.max(2, Math.round(mean * (0.2 + 1.6 * random())));
    for (let n = 0; n < length; n += 1) {
      const roll = random();
      const item = roll < 0.5 ? Math.min(items - 1, track * perTrack + (position++ % perTrack)) : roll < 0.85 ? popular() : Math.floor(random() * items);
      list.push(user, item, 1);
    }
  }
  const features = Array.from({ length: items }, (_, item) => [`category:${Math.floor(item / perTrack)}`, `level:${item % 3}`, `lang:${item % 5 ? 'en' : 'zh'}`, ...Array.from({ length: 4 }, () => `tag:${Math.floor(random() * TAGS)}`)]);
  return { interactions: list, features };
});

const started = performance.now();
const data = step('matrix (both ways, repeats dropped)', () => trainingData(interactions, users, features));
const content = step('content similarity (TF-IDF cosine, 100 per course)', () => contentSimilarity(features, 100));
const tuning = step('tune on validation (sample of 20,000 members, 2,000 ranked per try)', () => tuneHybrid(data, { content }));
const model = step('fit (RP3beta on everyone, tuned)', () => fitHybrid(data, tuning.params, content));
const trained = performance.now() - started;

const scored = step('score top 10 for every member', () => {
  const scores = new Float64Array(items);
  const owned = new Uint8Array(items);
  const candidates = allIndices(items);
  let checksum = 0;
  for (let user = 0; user < users; user += 1) {
    const mine = profile(data, user).items;
    for (const item of mine) owned[item] = 1;
    model.scorer.scores(user, scores);
    const top = topK(scores, candidates, 10, (item) => owned[item] === 1);
    for (const item of mine) owned[item] = 0;
    checksum += top[0] ?? 0;
  }
  return checksum;
});
const total = performance.now() - started;
clearInterval(sampler);

console.log(`\nRecommender: ${users} members x ${items} courses, ${data.byUser.indices.length} interactions after repeats (${interactions.length} generated)`);
for (const [name, ms] of steps) console.log(`${name.padEnd(72)} ${(ms / 1000).toFixed(2).padStart(8)} s`);
const { params, validation } = tuning;
console.log(`tuned: alpha ${params.alpha}, beta ${params.beta}, recency ${params.recency}, content ${params.content}, popularity ${params.popularity} (validation recall@10 ${validation.recall.toFixed(3)} on ${validation.targets} members)`);
console.log(`training ${(trained / 1000).toFixed(1)} s + scoring ${((total - trained) / 1000).toFixed(1)} s = ${(total / 1000).toFixed(1)} s for the whole batch; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (checksum ${scored})`);
