import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type DiscordSim, startDiscordSim } from './index.ts';

type Frame = { op: number; t?: string; s?: number; d?: any };

/** A raw gateway session: what the sim sends for the intents a bot asks for. */
async function identify(sim: DiscordSim, intents: number): Promise<{ frames: Frame[]; closed: Promise<number>; socket: WebSocket }> {
  const socket = new WebSocket(`${sim.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, '')}/?v=10&encoding=json`);
  const frames: Frame[] = [];
  socket.on('message', (raw) => frames.push(JSON.parse(String(raw))));
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ op: 2, d: { token: sim.botToken, intents, properties: { os: 'linux', browser: 'test', device: 'test' } } }));
  return { frames, closed, socket };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 2_000) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Discord simulator gateway', () => {
  let sim: DiscordSim | undefined;
  afterEach(async () => {
    await sim?.close();
  });

  it('sends READY then GUILD_CREATE with increasing sequence numbers', async () => {
    sim = await startDiscordSim({ heartbeatIntervalMs: 5_000 });
    const owner = sim.createUser({ username: 'owner' });
    const guild = sim.createGuild({ name: 'G', ownerId: owner.id });
    const { frames, socket } = await identify(sim, 1);
    await sim.waitForConnection();
    await until(() => frames.some((frame) => frame.t === 'GUILD_CREATE'));
    expect(frames[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 5_000 } });
    const [ready, created] = frames.slice(1);
    expect(ready).toMatchObject({ op: 0, t: 'READY', s: 1, d: { v: 10, user: { id: sim.botUser.id, bot: true }, guilds: [{ id: guild.id, unavailable: true }], shard: [0, 1], application: { id: sim.applicationId } } });
    expect(created).toMatchObject({ op: 0, t: 'GUILD_CREATE', s: 2, d: { id: guild.id, owner_id: owner.id, member_count: 2 } });
    expect(created!.d.roles).toContainEqual(expect.objectContaining({ id: guild.id, name: '@everyone', position: 0 }));
    socket.close();
  });

  it('filters events by intent: no members without GuildMembers, no DMs without DirectMessages', async () => {
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' });
    const guild = sim.createGuild({ name: 'G', ownerId: owner.id });
    const { frames, socket } = await identify(sim, 1);
    await sim.waitForConnection();
    await until(() => frames.some((frame) => frame.t === 'GUILD_CREATE'));
    expect(frames.find((frame) => frame.t === 'GUILD_CREATE')!.d.members.map((member: { user: { id: string } }) => member.user.id)).toEqual([sim.botUser.id]);
    sim.addMember(guild.id, sim.createUser({ username: 'newcomer' }).id);
    await sim.user(owner.id).sendDm('hello');
    sim.createRole(guild.id, { name: 'r' });
    await until(() => frames.some((frame) => frame.t === 'GUILD_ROLE_CREATE'));
    expect(frames.map((frame) => frame.t)).not.toContain('GUILD_MEMBER_ADD');
    expect(frames.map((frame) => frame.t)).not.toContain('MESSAGE_CREATE');
    socket.close();
  });

  it('closes with 4014 when a privileged intent is not enabled for the app', async () => {
    sim = await startDiscordSim({ privilegedIntents: 0 });
    const { closed } = await identify(sim, 1 | (1 << 1));
    expect(await closed).toBe(4014);
  });

  it('answers RESUME with invalid session (not resumable)', async () => {
    sim = await startDiscordSim();
    const { frames, socket } = await identify(sim, 1);
    await sim.waitForConnection();
    socket.send(JSON.stringify({ op: 6, d: { token: sim.botToken, session_id: 'x', seq: 1 } }));
    await until(() => frames.some((frame) => frame.op === 9));
    expect(frames.find((frame) => frame.op === 9)).toMatchObject({ op: 9, d: false });
    socket.close();
  });

  it('closes a gateway session that identifies with the wrong token (4004) and acks heartbeats', async () => {
    sim = await startDiscordSim();
    const url = sim.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, '');
    const socket = new WebSocket(`${url}/?v=10&encoding=json`);
    const frames: Array<{ op: number }> = [];
    socket.on('message', (raw) => frames.push(JSON.parse(String(raw))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ op: 1, d: null }));
    await until(() => frames.some((frame) => frame.op === 11));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 1, properties: {} } }));
    expect(await closed).toBe(4004);
    expect(frames[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });
  });
});
