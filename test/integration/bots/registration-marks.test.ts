import { afterAll, describe, expect, it } from 'vitest';
import { redisRegistrationMarks } from '../../../bots/discord/command-registration.ts';
import { createTestQueues } from '../../support/queues.ts';

/**
 * The marks that make every bots process together register a guild's commands once per version:
 * a claim is a lease until confirmed, so a process killed mid-registration hands the guild on.
 */
describe('command registration marks in Redis', () => {
  const queues = createTestQueues();
  const marks = redisRegistrationMarks(queues.redis, queues.prefix, 300);
  afterAll(() => queues.close());

  it('lets one of two claims register, keeps a confirmed version, and registers a new one', async () => {
    expect(await Promise.all([marks.claim('g1', 'v1'), marks.claim('g1', 'v1')])).toEqual(expect.arrayContaining([true, false]));
    await marks.confirm('g1', 'v1');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await marks.claim('g1', 'v1')).toBe(false);
    expect(await marks.claim('g1', 'v2')).toBe(true);
  });

  it('hands the guild on when the claimer never confirms (killed) or gives it back (failed)', async () => {
    expect(await marks.claim('g2', 'v1')).toBe(true);
    expect(await marks.claim('g2', 'v1')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await marks.claim('g2', 'v1')).toBe(true);
    await marks.release('g2', 'v1');
    expect(await marks.claim('g2', 'v1')).toBe(true);
  });

  it('registers again after the bot left the guild and came back', async () => {
    expect(await marks.claim('g3', 'v1')).toBe(true);
    await marks.confirm('g3', 'v1');
    await marks.forget('g3');
    expect(await marks.claim('g3', 'v1')).toBe(true);
  });
});
