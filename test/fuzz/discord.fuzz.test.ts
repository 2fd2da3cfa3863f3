import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordBot, startDiscordBot } from '../../bots/discord/discord-bot.ts';
import { type DiscordSim, startDiscordSim } from '../sim/discord/index.ts';
import { createWorld, type World } from '../e2e/world.ts';
import { fuzz } from './fuzz-report.ts';

const COMMANDS = ['courses', 'course', 'buy', 'stats', 'audit list', 'privacy export', 'settings', 'coupon create', 'notifications', 'rate'];
const value = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 120 }), fc.integer({ min: -5, max: 100_000 }), fc.boolean(), fc.constantFrom('7d', 'python-bootcamp', 'export', '🙂', '<@1>'));

/**
 * Discord interactions with options of any value the client lets through (the simulator checks
 * them against the registered definitions as Discord does, and refuses the rest before sending):
 * each one is answered, by a reply or a clear error, never left to fail.
 */
describe('fuzz: Discord slash commands', () => {
  let world: World;
  let sim: DiscordSim;
  let bot: DiscordBot;
  let guildId: string;
  let member: string;
  const errors: string[] = [];

  beforeAll(async () => {
    world = await createWorld();
    sim = await startDiscordSim();
    const admin = sim.createUser({ username: 'olivia' }).id;
    member = sim.createUser({ username: `m${randomBytes(3).toString('hex')}` }).id;
    guildId = sim.createGuild({ name: 'Fuzz', ownerId: admin }).id;
    sim.addMember(guildId, member);
    bot = await startDiscordBot({ token: sim.botToken, applicationId: sim.applicationId, apiUrl: sim.apiUrl, deps: world.deps, log: pino({ level: 'error' }, { write: (line: string) => void errors.push(line) }) });
    await bot.ready;
    await (await sim.user(admin).slashCommand(guildId, 'setup', { code: await world.linkCode() })).reply();
  });
  afterAll(async () => {
    await bot?.close();
    await sim?.close();
    await world?.database.drop();
  });

  it('answers every command the client would send, whatever its options', async () => {
    let sent = 0;
    await fuzz('discord interactions', fc.tuple(fc.constantFrom(...COMMANDS), fc.dictionary(fc.constantFrom('query', 'category', 'page', 'course', 'product', 'period', 'what', 'member', 'code', 'percent', 'kind', 'state', 'score', 'rate_limits', 'grace_days'), value, { maxKeys: 3 })), async ([name, options]) => {
      let handle;
      try {
        handle = await sim.user(member).slashCommand(guildId, name, options as never);
      } catch {
        return; // Discord's client refuses options that do not fit the definition: nothing is sent.
      }
      sent++;
      const reply = await handle.reply();
      expect(reply.content || reply.embeds.length).toBeTruthy();
      expect(handle.failed).toBe(false);
    }, 40);
    expect(sent).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
