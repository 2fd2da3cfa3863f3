/**
 * `npm run eval:recs -- --file <interactions.csv>`: the recommenders measured offline under the
 * protocol of ../shared/data/recs/README.md on any CSV with the header `user,item,ts,category`
 * (ts an integer: unix seconds or an ordinal; category may be empty). Prints one line per model,
 * `<name> recall@10: 0.NNN ndcg@10: 0.NNN` for `pop`, `itemknn` and `model` (the shipped one),
 * then `lift over pop: N.NN`. A file it cannot read is a message and exit code 1, never a crash.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseInteractionsCsv } from '../core/recommend/interactions-csv.ts';
import { evaluateOffline } from '../core/recommend/offline-eval.ts';

function fail(message: string): never {
  console.error(`eval:recs: ${message}`);
  process.exit(1);
}

let file: string | undefined;
try {
  file = parseArgs({ options: { file: { type: 'string' } } }).values.file;
} catch (error) {
  fail((error as Error).message);
}
if (!file) fail('give the data file: npm run eval:recs -- --file <interactions.csv>');
const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => fail(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`));
const parsed = parseInteractionsCsv(text);
if ('error' in parsed) fail(`${file}: ${parsed.error}`);

const started = performance.now();
const evaluation = evaluateOffline(parsed.rows);
if (!evaluation.testUsers) fail(`${file}: no user has two interactions, so there is nothing to hold out`);
const { params, validation } = evaluation.tuning;
console.log(`${file}: ${evaluation.interactions} interactions (${evaluation.duplicates} repeats dropped), ${evaluation.users} users, ${evaluation.items} items`);
console.log(`test users: ${evaluation.testUsers} (last interaction held out); skipped: ${evaluation.skippedUsers} users with one interaction`);
console.log(`model tuned on validation (each user's last training item, ${validation.targets} users): alpha ${params.alpha}, beta ${params.beta}, recency ${params.recency}, content ${params.content}, popularity ${params.popularity} (validation recall@10 ${validation.recall.toFixed(3)})`);
const interval = ([low, high]: [number, number]) => `[${low.toFixed(3)}, ${high.toFixed(3)}]`;
for (const result of evaluation.results) console.log(`${result.name} 95% CI (bootstrap, 1,000 resamples): recall@10 ${interval(result.recallInterval)} ndcg@10 ${interval(result.ndcgInterval)}`);
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
for (const result of evaluation.results) console.log(`${result.name} recall@10: ${result.recall.toFixed(3)} ndcg@10: ${result.ndcg.toFixed(3)}`);
const recall = (name: string) => evaluation.results.find((result) => result.name === name)!.recall;
console.log(`lift over pop: ${recall('pop') ? (recall('model') / recall('pop')).toFixed(2) : 'n/a (pop recall is 0)'}`);
