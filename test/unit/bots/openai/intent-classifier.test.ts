import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingCorpus } from '../../../../core/support/intents/corpus.ts';
import { LocalIntentClassifier } from '../../../../core/support/intents/local-classifier.ts';
import { OpenAiIntentClassifier } from '../../../../bots/openai/intent-classifier.ts';
import { type OpenAiSim, startOpenAiSim } from '../../../sim/openai/index.ts';
import { silentLog } from '../../../support/fakes.ts';

/** The OpenAI tier against a local fake server: its answer when valid, the local tier on anything else. */
describe('the OpenAI intent tier', () => {
  let sim: OpenAiSim;
  let tier: OpenAiIntentClassifier;
  const local = LocalIntentClassifier.train(trainingCorpus);

  beforeAll(async () => {
    sim = await startOpenAiSim();
    tier = new OpenAiIntentClassifier({ apiKey: 'sk-test-not-a-real-key', baseUrl: sim.baseUrl, model: 'gpt-4o-mini', timeoutMs: 300 }, local, silentLog);
  });
  afterAll(() => sim.close());

  it('uses a valid structured answer, sending only the message text', async () => {
    sim.next = { kind: 'answer', content: JSON.stringify({ intent: 'human_agent', confidence: 0.91 }) };
    // The local tier would call this a refund request; the remote answer wins when it is valid.
    expect(await tier.classify('i want a refund')).toEqual({ intent: 'human_agent', confidence: 0.91, tier: 'openai' });
    const request = sim.requests.at(-1)!;
    expect(request.authorization).toBe('Bearer sk-test-not-a-real-key');
    const messages = request.body.messages as Array<{ role: string; content: string }>;
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(messages[1]!.content).toBe('i want a refund');
    expect(request.body).toMatchObject({ model: 'gpt-4o-mini', response_format: { type: 'json_schema' } });
  });

  it.each([
    ['a timeout', { kind: 'hang' } as const],
    ['a refusal', { kind: 'refusal', refusal: 'I cannot help with that.' } as const],
    ['a malformed answer', { kind: 'answer', content: '{"intent":"make_coffee","confidence":2}' } as const],
    ['an answer that is not JSON', { kind: 'answer', content: 'refund_request, probably' } as const],
    ['a server error', { kind: 'status', status: 500 } as const],
  ])('falls back to the local tier on %s', async (_name, reply) => {
    sim.next = reply;
    const before = sim.requests.length;
    expect(await tier.classify('i want a refund')).toEqual({ ...local.classifyNow('i want a refund'), tier: 'local' });
    // One try, no retries: the member is not kept waiting.
    expect(sim.requests.length - before).toBe(1);
  });
});
