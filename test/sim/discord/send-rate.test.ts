import { REST, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { type DiscordSim, type RecordedCall, startDiscordSim } from './index.ts';
import { maxInWindow } from './send-rate.ts';

/**
 * Fan-outs of direct messages (open the DM channel, then send) under the global limit, measured
 * with `sim.sendRate()`: the most requests in any second, the most DMs in any minute, 429s, and
 * DMs per user. discord.js and the sim both count the global limit in fixed one-second windows
 * (each opened by its first request), so a sliding second can hold up to twice the limit
 * without a 429: `maxPerSecondOverall` shows that burstiness.
 */
async function fanOut(sim: DiscordSim, recipients: string[], globalRequestsPerSecond: number): Promise<void> {
  const rest = new REST({ version: '10', api: sim.apiUrl, globalRequestsPerSecond }).setToken(sim.botToken);
  await Promise.all(
    recipients.map(async (userId) => {
      const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
      await rest.post(Routes.channelMessages(channel.id), { body: { content: 'Your course starts tomorrow' } });
    }),
  );
}

function members(sim: DiscordSim, count: number): string[] {
  const guildId = sim.createGuild({ name: 'Academy', ownerId: sim.createUser({ username: 'owner' }).id }).id;
  return Array.from({ length: count }, (_, index) => {
    const userId = sim.createUser({ username: `student${index}` }).id;
    sim.addMember(guildId, userId);
    return userId;
  });
}

describe('Discord simulator send rate', () => {
  it('finds the most events in any sliding window', () => {
    expect(maxInWindow([], 1_000)).toBe(0);
    expect(maxInWindow([0, 999, 1_000, 1_001], 1_000)).toBe(3);
    expect(maxInWindow([0, 500, 1_500, 1_600, 1_700, 2_499], 1_000)).toBe(4);
  });

  it('keeps a discord.js fan-out under Discord’s global 50/s without a 429', async () => {
    const sim = await startDiscordSim({ globalRateLimit: { limit: 50, windowMs: 1_000 } });
    try {
      const recipients = members(sim, 60);
      sim.closeDms(recipients[0]!);
      await fanOut(sim, recipients.slice(1), 50);
      const rate = sim.sendRate();
      expect(rate.refused429).toBe(0);
      expect(rate.maxPerSecondOverall).toBeGreaterThanOrEqual(50);
      expect(rate.maxPerSecondOverall).toBeLessThanOrEqual(2 * 50);
      expect(rate.dmMessagesPerMinuteMax).toBe(59);
      expect([...rate.dmMessagesPerUser.keys()].sort()).toEqual(recipients.slice(1).sort());
      expect([...rate.dmMessagesPerUser.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await sim.close();
    }
  }, 15_000);

  it('counts what a burst past the global limit is refused, and ignores calls before `since`', async () => {
    const sim = await startDiscordSim({ globalRateLimit: { limit: 10, windowMs: 1_000 } });
    try {
      const recipients = members(sim, 15);
      const auth = { authorization: `Bot ${sim.botToken}`, 'content-type': 'application/json' };
      const open = (userId: string) => fetch(`${sim.apiUrl}/v10/users/@me/channels`, { method: 'POST', headers: auth, body: JSON.stringify({ recipient_id: userId }) });
      const answers = await Promise.all(recipients.map(open));
      expect(answers.filter((answer) => answer.status === 429)).toHaveLength(5);
      expect(sim.sendRate()).toMatchObject({ maxPerSecondOverall: 15, refused429: 5, dmMessagesPerMinuteMax: 0 });
      expect(sim.sendRate({ since: Date.now() + 1 })).toMatchObject({ maxPerSecondOverall: 0, refused429: 0 });
    } finally {
      await sim.close();
    }
  });

  it('opens and sends 2,000 DMs (a raised limit keeps the test short) and measures them', async () => {
    const perSecond = 1_000;
    const sim = await startDiscordSim({ globalRateLimit: { limit: perSecond, windowMs: 1_000 }, rateLimits: { '*': { limit: perSecond, windowMs: 1_000 } } });
    try {
      const recipients = members(sim, 2_000);
      await fanOut(sim, recipients, perSecond);
      const rate = sim.sendRate();
      expect(rate.dmMessagesPerUser.size).toBe(2_000);
      expect(sim.dmMessages(recipients[1_999]!).map((message) => message.content)).toEqual(['Your course starts tomorrow']);
      // discord.js and the simulator count in their own fixed seconds: on a busy machine the two
      // drift apart and a few 429s come back, which discord.js retries; each DM still lands once.
      expect([...rate.dmMessagesPerUser.values()].every((count) => count === 1)).toBe(true);
      expect(rate.maxPerSecondOverall).toBeLessThanOrEqual(2 * perSecond);
      expect(rate.dmMessagesPerMinuteMax).toBe(2_000);
    } finally {
      await sim.close();
    }
  }, 30_000);

  it('analyses 20,000 recorded calls quickly', async () => {
    const sim = await startDiscordSim();
    try {
      const start = Date.now();
      const calls: RecordedCall[] = Array.from({ length: 20_000 }, (_, index) => ({
        method: 'GET',
        path: '/guilds/1',
        route: '/guilds/:id',
        body: undefined,
        status: index % 100 === 0 ? 429 : 200,
        authorized: true,
        // 40 a second, shuffled: the analysis sorts.
        at: start + ((index * 7_919) % 20_000) * 25,
      }));
      sim.calls.push(...calls);
      const began = performance.now();
      const rate = sim.sendRate();
      expect(performance.now() - began).toBeLessThan(200);
      expect(rate).toMatchObject({ maxPerSecondOverall: 40, refused429: 200, dmMessagesPerMinuteMax: 0 });
    } finally {
      await sim.close();
    }
  });
});
