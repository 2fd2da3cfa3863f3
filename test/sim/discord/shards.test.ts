import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type DiscordSim, startDiscordSim } from './index.ts';

type Frame = { op: number; t?: string; d?: any };

/** A raw gateway session identifying as `shard` (none: an unsharded bot). */
async function connect(sim: DiscordSim, shard?: unknown): Promise<{ frames: Frame[]; closed: Promise<number>; socket: WebSocket }> {
  const socket = new WebSocket(`${sim.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, '')}/?v=10&encoding=json`);
  const frames: Frame[] = [];
  socket.on('message', (raw) => frames.push(JSON.parse(String(raw))));
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ op: 2, d: { token: sim.botToken, intents: 1 | (1 << 12), properties: {}, ...(shard === undefined ? {} : { shard }) } }));
  return { frames, closed, socket };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 3_000) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const guildIds = (frames: Frame[], event: string) => frames.filter((frame) => frame.t === event).map((frame) => String(frame.d.id ?? frame.d.guild_id));

describe('Discord simulator sharding', () => {
  let sim: DiscordSim | undefined;
  afterEach(async () => {
    await sim?.close();
  });

  it("gives each shard its own guilds and routes each guild's events by (guild_id >> 22) % shard_count", async () => {
    sim = await startDiscordSim({ gateway: { recommendedShards: 2, maxConcurrency: 2 } });
    const owner = sim.createUser({ username: 'owner' });
    const guilds = Array.from({ length: 12 }, (_, i) => sim!.createGuild({ name: `G${i}`, ownerId: owner.id }));
    const shards = [await connect(sim, [0, 2]), await connect(sim, [1, 2])];
    await sim.waitForConnection();
    expect(sim.connectedShards()).toEqual([0, 1]);
    await until(() => shards.every((shard) => shard.frames.some((frame) => frame.t === 'READY')));
    for (const [id, shard] of shards.entries()) {
      const expected = guilds.filter((guild) => sim!.shardOf(guild.id, 2) === id).map((guild) => guild.id);
      expect(shard.frames.find((frame) => frame.t === 'READY')!.d.shard).toEqual([id, 2]);
      await until(() => guildIds(shard.frames, 'GUILD_CREATE').length === expected.length);
      expect(guildIds(shard.frames, 'GUILD_CREATE').sort()).toEqual(expected.sort());
    }
    expect(new Set(guilds.map((guild) => sim!.shardOf(guild.id, 2))).size).toBe(2);

    for (const guild of guilds) sim.createRole(guild.id, { name: 'r' });
    await until(() => shards.every((shard) => shard.frames.filter((frame) => frame.t === 'GUILD_ROLE_CREATE').length > 0));
    await until(() => shards.reduce((sum, shard) => sum + guildIds(shard.frames, 'GUILD_ROLE_CREATE').length, 0) === guilds.length);
    for (const [id, shard] of shards.entries()) {
      expect(guildIds(shard.frames, 'GUILD_ROLE_CREATE').every((guildId) => sim!.shardOf(guildId, 2) === id)).toBe(true);
    }
    // DMs belong to shard 0.
    await sim.user(owner.id).sendDm('hello');
    await until(() => shards[0]!.frames.some((frame) => frame.t === 'MESSAGE_CREATE'));
    expect(shards[1]!.frames.some((frame) => frame.t === 'MESSAGE_CREATE')).toBe(false);
    for (const shard of shards) shard.socket.close();
  });

  it('closes a malformed or out-of-range shard with 4010 and too few shards with 4011', async () => {
    sim = await startDiscordSim({ gateway: { requiredShards: 2, maxConcurrency: 16 } });
    expect(await (await connect(sim, [2, 2])).closed).toBe(4010);
    expect(await (await connect(sim, [0])).closed).toBe(4010);
    expect(await (await connect(sim, [0, 1])).closed).toBe(4011);
    expect(await (await connect(sim)).closed).toBe(4011);
    expect(sim.identifies).toEqual([]);
  });

  it('refuses a second identify in one bucket within the window (op 9) and counts down the session start limit', async () => {
    sim = await startDiscordSim({ gateway: { recommendedShards: 4, maxConcurrency: 2, identifyIntervalMs: 60_000, sessionStartLimit: 3 } });
    const first = await connect(sim, [0, 4]);
    const otherBucket = await connect(sim, [1, 4]);
    const sameBucket = await connect(sim, [2, 4]);
    await until(() => sameBucket.frames.some((frame) => frame.op === 9));
    expect(sameBucket.frames.some((frame) => frame.t === 'READY')).toBe(false);
    expect(sim.gatewayViolations).toMatchObject([{ shard: [2, 4], reason: 'identify_concurrency' }]);
    expect(sim.identifies.map((identify) => identify.shard)).toEqual([[0, 4], [1, 4]]);

    const gateway = (await (await fetch(`${sim.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${sim.botToken}` } })).json()) as any;
    expect(gateway).toMatchObject({ shards: 4, session_start_limit: { total: 3, remaining: 1, max_concurrency: 2 } });
    for (const shard of [first, otherBucket, sameBucket]) shard.socket.close();
    await sim.close();

    sim = await startDiscordSim({ gateway: { recommendedShards: 2, maxConcurrency: 16, sessionStartLimit: 1 } });
    const only = await connect(sim, [0, 2]);
    expect(await (await connect(sim, [1, 2])).closed).toBe(4008);
    expect(sim.gatewayViolations).toMatchObject([{ shard: [1, 2], reason: 'session_start_limit' }]);
    only.socket.close();
  });
});
