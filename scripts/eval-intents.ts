/**
 * `npm run eval:intents [-- --file <path.jsonl>]`: the local intent classifier, trained on the
 * shipped corpus, measured on labelled messages kept apart from the corpus (default: every
 * `eval/*.jsonl`, each file's accuracy shown too): per-intent precision and recall, the most
 * frequent confusions, and a last line `accuracy: 0.NNN`. Any JSON Lines file of
 * {"text","intent"} records works, e.g. a creator's own members' messages.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { INTENTS, type Intent, trainingCorpus } from '../core/support/intents/corpus.ts';
import { LocalIntentClassifier } from '../core/support/intents/local-classifier.ts';

const { values } = parseArgs({ options: { file: { type: 'string' } } });
const evalDir = path.join(import.meta.dirname, '..', 'eval');
const files = values.file ? [values.file] : (await readdir(evalDir)).filter((name) => name.endsWith('.jsonl')).sort().map((name) => path.join(evalDir, name));
const record = z.object({ text: z.string().min(1).max(4_000), intent: z.enum(INTENTS) });

const records: Array<z.infer<typeof record> & { file: string }> = [];
for (const file of files) {
  for (const [index, line] of (await readFile(file, 'utf8')).split('\n').entries()) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${index + 1}: not JSON`);
    }
    const parsed = record.safeParse(json);
    if (!parsed.success) throw new Error(`${file}:${index + 1}: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`);
    records.push({ ...parsed.data, file: path.relative(process.cwd(), file) });
  }
}

const classifier = LocalIntentClassifier.train(trainingCorpus);
const tally = new Map<Intent, { truePositive: number; predicted: number; actual: number }>(INTENTS.map((intent) => [intent, { truePositive: 0, predicted: 0, actual: 0 }]));
const confusions = new Map<string, number>();
const perFile = new Map<string, { correct: number; all: number }>();
let correct = 0;
for (const { text, intent, file } of records) {
  const predicted = classifier.classifyNow(text).intent;
  const ofFile = perFile.get(file) ?? { correct: 0, all: 0 };
  perFile.set(file, { correct: ofFile.correct + Number(predicted === intent), all: ofFile.all + 1 });
  tally.get(intent)!.actual += 1;
  tally.get(predicted)!.predicted += 1;
  if (predicted === intent) {
    correct += 1;
    tally.get(intent)!.truePositive += 1;
  } else confusions.set(`${intent} -> ${predicted}`, (confusions.get(`${intent} -> ${predicted}`) ?? 0) + 1);
}

const ratio = (part: number, whole: number) => (whole ? (part / whole).toFixed(3) : '  -  ');
console.log(`\nLocal intent classifier on ${records.length} messages (${[...perFile.keys()].join(', ')})\n`);
if (perFile.size > 1) for (const [file, counts] of perFile) console.log(`${file}: ${ratio(counts.correct, counts.all)} of ${counts.all}`);
if (perFile.size > 1) console.log('');
console.log('intent                 precision  recall  support');
for (const [intent, counts] of tally) {
  if (!counts.actual && !counts.predicted) continue;
  console.log(`${intent.padEnd(22)} ${ratio(counts.truePositive, counts.predicted).padStart(9)}  ${ratio(counts.truePositive, counts.actual).padStart(6)}  ${String(counts.actual).padStart(7)}`);
}
const worst = [...confusions].sort((a, b) => b[1] - a[1]).slice(0, 8);
console.log(`\nconfusions (actual -> predicted): ${worst.length ? worst.map(([pair, count]) => `${pair} x${count}`).join(', ') : 'none'}`);
console.log(`accuracy: ${ratio(correct, records.length)}`);
