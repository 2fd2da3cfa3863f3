/**
 * The local intent classifier: training time on the shipped corpus (it trains at start), and the
 * latency of classifying one message, over the evaluation set's messages, sequentially.
 * Run: `npm run bench:intents` (RUNS to change the number of classifications).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { trainingCorpus } from '../core/support/intents/corpus.ts';
import { LocalIntentClassifier } from '../core/support/intents/local-classifier.ts';
import { measure } from './support.ts';

const runs = Number(process.env.RUNS ?? 20_000);
const texts = readFileSync(path.join(import.meta.dirname, '..', 'eval', 'intents.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => (JSON.parse(line) as { text: string }).text);

const started = performance.now();
const classifier = LocalIntentClassifier.train(trainingCorpus);
const trainMs = performance.now() - started;
let next = 0;
const timing = await measure('classify one message', async () => classifier.classifyNow(texts[next++ % texts.length]!), runs, 2_000);
console.log(`\nLocal intent classifier: ${Object.values(trainingCorpus).flat().length} training messages, trained in ${trainMs.toFixed(0)} ms`);
console.log(`classify one message (${timing.runs} runs over ${texts.length} messages): p50 ${timing.p50.toFixed(3)} ms, p95 ${timing.p95.toFixed(3)} ms, p99 ${timing.p99.toFixed(3)} ms, max ${timing.max.toFixed(2)} ms`);
