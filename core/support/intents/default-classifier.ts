import type { IntentClassifier } from './classifier.ts';
import { trainingCorpus } from './corpus.ts';
import { LocalIntentClassifier } from './local-classifier.ts';

let trained: LocalIntentClassifier | undefined;

/** The local tier, trained once per process on first use (about 0.2 s). */
export function defaultClassifier(): IntentClassifier {
  trained ??= LocalIntentClassifier.train(trainingCorpus);
  return trained;
}
