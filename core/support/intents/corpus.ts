import { readFileSync } from 'node:fs';

/** The intents the support assistant routes by. */
export const INTENTS = [
  'browse_catalog',
  'course_info',
  'purchase',
  'access_problem',
  'refund_request',
  'subscription_manage',
  'recommendation',
  'human_agent',
  'greeting_smalltalk',
  'out_of_scope',
] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * The local classifier's training corpus: messages members of a paid community write, in English
 * and Simplified Chinese, formal and informal (typos, slang, mixed languages, emoji), one per line
 * in `corpus/<intent>.txt`. Written for Lyceum; the evaluation sets in `eval/` are kept apart from
 * it (no message appears in both, see the eval test).
 */
export const trainingCorpus = Object.fromEntries(
  INTENTS.map((intent) => [
    intent,
    readFileSync(new URL(`corpus/${intent}.txt`, import.meta.url), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
  ]),
) as unknown as Record<Intent, readonly string[]>;
