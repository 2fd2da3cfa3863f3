import type { Intent } from './corpus.ts';

export type Classification = { intent: Intent; confidence: number };

/**
 * The support assistant's classifier port: the local tier (local-classifier.ts), or a remote
 * model (bots/openai/) that falls back to it.
 */
export interface IntentClassifier {
  classify(text: string): Promise<Classification>;
}
