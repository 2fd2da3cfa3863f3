import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformSpaces } from '../../core/db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createCommunity } from '../support/fixtures.ts';
import { type LyceumProcess, processEnv, startLyceum } from '../support/processes.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { type DiscordSim, startDiscordSim } from '../sim/discord/index.ts';

const GUILDS = 1_000;
const SHARDS = 4;
const REGISTER_ROUTE = '/applications/:id/guilds/:id/commands';

/**
 * Two `bots` processes, two shards each, against a sharded gateway (max_concurrency 2, so shard 0
 * in one process and shard 2 in the other share an identify bucket): every guild's commands are
 * registered once in the deployment and every command is answered once, by the shard owning it.
 */
describe('two bots processes with two shards each', () => {
  let sim: DiscordSim;
  let database: TestDatabase;
  let queues: TestQueues;
  /** A member per guild: one user running a thousand commands would be rate limited. */
  let members: Map<string, string>;
  let guildIds: string[];
  const processes: LyceumProcess[] = [];

  const startBots = (ids: string, name: string) => {
    const env = processEnv(
      { databaseUrl: database.url, queuePrefix: queues.prefix, name },
      { DISCORD_TOKEN: sim.botToken, DISCORD_APP_ID: sim.applicationId, DISCORD_API_URL: sim.apiUrl, DISCORD_SHARDS: String(SHARDS), DISCORD_SHARD_IDS: ids },
    );
    const run = startLyceum('bots', env);
    processes.push(run);
    return run;
  };
  const registrations = () => {
    const counts = new Map<string, number>();
    for (const call of sim.calls) {
      if (call.method !== 'PUT' || call.route !== REGISTER_ROUTE || call.status !== 200) continue;
      const guildId = call.path.split('/')[4]!;
      counts.set(guildId, (counts.get(guildId) ?? 0) + 1);
    }
    return counts;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    queues = createTestQueues();
    sim = await startDiscordSim({ gateway: { recommendedShards: SHARDS, maxConcurrency: 2 } });
    const owner = sim.createUser({ username: 'owner' }).id;
    guildIds = [];
    members = new Map();
    for (let i = 0; i < GUILDS; i += 1) {
      const guild = sim.createGuild({ name: `Guild ${i}`, ownerId: owner });
      const member = sim.createUser({ username: `member${i}` }).id;
      sim.addMember(guild.id, member);
      members.set(guild.id, member);
      guildIds.push(guild.id);
      // Guild ids carry their creation millisecond, which decides the shard: spread them.
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const community = await createCommunity(database.db, { name: 'Sharded Academy' });
    await database.db.insert(platformSpaces).values(guildIds.map((externalId) => ({ communityId: community.id, platform: 'discord' as const, kind: 'discord_guild' as const, externalId })));
  });
  afterAll(async () => {
    for (const run of processes) run.child.kill('SIGKILL');
    await sim?.close();
    await queues?.close();
    await database?.drop();
  });

  it('registers each guild once, answers each command once from the owning shard, and re-registers nothing on a restart', async () => {
    const perShard = guildIds.reduce((counts, id) => counts.set(sim.shardOf(id, SHARDS), (counts.get(sim.shardOf(id, SHARDS)) ?? 0) + 1), new Map<number, number>());
    expect([...perShard.keys()].sort()).toEqual([0, 1, 2, 3]);

    const first = startBots('0,1', 'shards-a');
    const second = startBots('2,3', 'shards-b');
    await Promise.all([first.waitFor('connected to Discord', 60_000), second.waitFor('connected to Discord', 60_000)]);
    expect(sim.connectedShards()).toEqual([0, 1, 2, 3]);
    await eventually(() => (registrations().size === GUILDS ? true : undefined), 60_000);
    expect(new Set(registrations().values())).toEqual(new Set([1]));

    const handles = [];
    for (let start = 0; start < GUILDS; start += 50) {
      const batch = guildIds.slice(start, start + 50);
      handles.push(...(await Promise.all(batch.map(async (guildId) => {
        const handle = await sim.user(members.get(guildId)!).slashCommand(guildId, 'help');
        const reply = await handle.reply(15_000);
        return { guildId, handle, reply };
      }))));
    }
    for (const { guildId, handle, reply } of handles) {
      expect(reply.embeds[0]?.title).toBe('Lyceum help');
      expect(handle.deliveredTo).toEqual([sim.shardOf(guildId, SHARDS)]);
      expect(handle.callbacks).toHaveLength(1);
    }
    // Two processes share the registration route's bucket and each learns of the other's use
    // only from a 429, which discord.js waits out; nothing else failed.
    const failed = sim.calls.filter((call) => call.status >= 400 && !(call.status === 429 && call.route === REGISTER_ROUTE));
    expect(failed.map((call) => `${call.method} ${call.route} ${call.status} ${call.code}`)).toEqual([]);

    // A restart of the second process identifies its shards again and registers nothing.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const again = startBots('2,3', 'shards-b-again');
    await again.waitFor('connected to Discord', 60_000);
    expect(sim.connectedShards()).toEqual([0, 1, 2, 3]);
    const movedGuild = guildIds.find((id) => sim.shardOf(id, SHARDS) === 3)!;
    expect((await (await sim.user(members.get(movedGuild)!).slashCommand(movedGuild, 'help')).reply(15_000)).embeds[0]?.title).toBe('Lyceum help');
    expect(new Set(registrations().values())).toEqual(new Set([1]));

    // The gateway's limits held across processes: six identifies, none refused.
    expect(sim.gatewayViolations).toEqual([]);
    expect(sim.identifies).toHaveLength(6);
  }, 180_000);
});
