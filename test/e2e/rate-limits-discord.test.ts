import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DiscordBot, startDiscordBot } from '../../bots/discord/discord-bot.ts';
import { createRedisRateLimiter } from '../../bots/rate-limiter.ts';
import { communities } from '../../core/db/schema/index.ts';
import { silentLog } from '../support/fakes.ts';
import { type DiscordSim, type SimMessage, startDiscordSim } from '../sim/discord/index.ts';
import { createWorld, type World } from './world.ts';

const buttonId = (message: SimMessage, label: string) => {
  const button = message.components.flatMap((row) => row.components ?? []).find((component) => component.label === label);
  if (!button?.custom_id) throw new Error(`no button "${label}"`);
  return button.custom_id;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A member hammering a button through discord.js and the simulator: interactions arrive at once
 * (Discord does not serialise them), and the shared count in Redis still lets exactly the
 * community's limit through, answers one "slow down", and leaves the rest unanswered.
 */
describe('Rate limits on Discord', () => {
  let world: World;
  let sim: DiscordSim;
  let bot: DiscordBot;
  let redis: Redis;
  let guildId: string;
  let member: string;

  beforeAll(async () => {
    world = await createWorld();
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    sim = await startDiscordSim();
    const admin = sim.createUser({ username: 'olivia' }).id;
    member = sim.createUser({ username: 'mia' }).id;
    guildId = sim.createGuild({ name: 'Makers', ownerId: admin }).id;
    sim.addMember(guildId, member);
    bot = await startDiscordBot({
      token: sim.botToken,
      applicationId: sim.applicationId,
      apiUrl: sim.apiUrl,
      deps: { ...world.deps, limits: createRedisRateLimiter(redis, `rl${randomBytes(4).toString('hex')}`, silentLog) },
      log: silentLog,
    });
    await bot.ready;
    await (await sim.user(admin).slashCommand(guildId, 'setup', { code: await world.linkCode() })).reply();
    const limits = { buttons: { points: 5, seconds: 60 } };
    await world.database.db.update(communities).set({ settings: sql`${communities.settings} || ${JSON.stringify({ rateLimits: limits })}::jsonb` }).where(eq(communities.id, world.communityId));
  });
  afterAll(async () => {
    await bot?.close();
    await sim?.close();
    await redis?.quit();
    await world?.database.drop();
  });

  it('lets 5 of 100 simultaneous presses through, tells one of the rest to slow down, and answers no other', async () => {
    const list = await (await sim.user(member).slashCommand(guildId, 'courses')).reply();
    const next = buttonId(list, 'Next ▶');
    const presses = await Promise.all(Array.from({ length: 100 }, () => sim.user(member).clickButton(list, next)));
    // Past Discord's 3 s deadline, an unanswered press has failed for good.
    await sleep(3_500);
    const answered = presses.filter((press) => press.callbacks.length > 0);
    expect(answered).toHaveLength(5 + 1);
    const told = answered.filter((press) => press.callbacks.some((callback) => callback.type === 4));
    expect(told).toHaveLength(1);
    expect((await told[0]!.reply()).content ?? JSON.stringify((await told[0]!.reply()).embeds)).toMatch(/Slow down a little/);
    expect(presses.filter((press) => press.failed)).toHaveLength(100 - 6);
  });
});
