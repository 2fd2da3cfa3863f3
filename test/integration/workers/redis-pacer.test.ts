import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { whenPaced } from '../../../core/delivery/pacer.ts';
import { telegramBuckets } from '../../../core/delivery/platform-limits.ts';
import { createRedisPacer } from '../../../workers/redis-pacer.ts';

/** Two "worker processes" (two Redis connections, three concurrent senders each) share the Telegram limits. */
describe('Redis pacer', () => {
  const prefix = `p${randomBytes(4).toString('hex')}`;
  const connections = [new Redis(inject('redisUrl')), new Redis(inject('redisUrl'))];
  afterAll(async () => {
    const keys = await connections[0]!.keys(`{${prefix}:pace}*`);
    if (keys.length) await connections[0]!.del(...keys);
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  it('never lets two processes together exceed the global rate or send twice a second to one chat', async () => {
    const pacers = connections.map((connection) => createRedisPacer(connection, prefix));
    const chats = Array.from({ length: 40 }, (_, index) => `chat${index}`);
    const queue = [...chats, ...chats, ...chats]; // three messages for each chat, round after round
    const sent: Array<{ chat: string; at: number }> = [];
    const sender = async (pacer: (typeof pacers)[number]) => {
      for (let chat = queue.shift(); chat; chat = queue.shift()) sent.push({ chat, at: await whenPaced(pacer, telegramBuckets(chat, 'private')) });
    };
    await Promise.all(pacers.flatMap((pacer) => [sender(pacer), sender(pacer), sender(pacer)]));

    expect(sent).toHaveLength(120);
    const times = sent.map((send) => send.at).sort((a, b) => a - b);
    const busiest = Math.max(...times.map((start) => times.filter((at) => at >= start && at < start + 1_000).length));
    expect(busiest).toBeLessThanOrEqual(25);
    // The senders did press against the global limit (else the first check would prove nothing).
    expect(busiest).toBeGreaterThanOrEqual(10);
    for (const chat of chats) {
      const own = sent.filter((send) => send.chat === chat).map((send) => send.at).sort((a, b) => a - b);
      expect(own).toHaveLength(3);
      for (let index = 1; index < own.length; index += 1) expect(own[index]! - own[index - 1]!).toBeGreaterThanOrEqual(1_000);
    }
  }, 30_000);

  it('keeps a bucket closed for the retry_after a platform gave, the longer of two', async () => {
    const pacer = createRedisPacer(connections[0]!, `${prefix}b`);
    const buckets = telegramBuckets('chat-x', 'private');
    await pacer.pause('telegram:global', 400);
    await pacer.pause('telegram:global', 100);
    const refused = await pacer.reserve(buckets);
    expect(refused.granted).toBe(false);
    expect(!refused.granted && refused.retryInMs).toBeGreaterThan(100);
    const at = await whenPaced(pacer, buckets);
    expect(at).toBeGreaterThan(0);
    await connections[0]!.del(...(await connections[0]!.keys(`{${prefix}b:pace}*`)));
  });
});
