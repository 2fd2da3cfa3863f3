import { type Client, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient } from './test-client.ts';

/** Injected and real failures in Discord's shapes, and how the real discord.js client reacts. */
describe('Discord simulator failures', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;

  beforeAll(async () => {
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    guildId = sim.createGuild({ name: 'Sim Guild', ownerId: owner }).id;
    client = await connectClient(sim);
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('answers an injected 429 in Discord’s shape; discord.js waits retry-after and retries', async () => {
    sim.failNext({ method: 'GET', path: /\/roles$/, status: 429, retryAfter: 0.25 });
    const roles = (await client.rest.get(Routes.guildRoles(guildId))) as Array<{ name: string }>;
    expect(roles.map((role) => role.name)).toContain('@everyone');
    const attempts = sim.calls.filter((call) => call.method === 'GET' && call.path.endsWith('/roles'));
    expect(attempts.map((call) => call.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(250);
  });

  it('injects 5xx and 50013 on demand, and refuses calls without the bot token', async () => {
    sim.failNext({ path: /\/roles$/, status: 403, code: 50013 });
    await expect(client.rest.get(Routes.guildRoles(guildId))).rejects.toMatchObject({ code: 50013 });
    const response = await fetch(`${sim.apiUrl}/v10/guilds/${guildId}/roles`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  it('refuses an empty message with 50006 and an unknown route with 404', async () => {
    const channelId = client.guilds.cache.get(guildId)!.systemChannelId!;
    await expect(client.rest.post(Routes.channelMessages(channelId), { body: {} })).rejects.toMatchObject({ code: 50006, status: 400 });
    const response = await fetch(`${sim.apiUrl}/v10/nowhere`, { headers: { authorization: `Bot ${sim.botToken}` } });
    expect([response.status, await response.json()]).toEqual([404, { message: '404: Not Found', code: 0 }]);
  });

  it('injects 5xx: discord.js retries them, and gives up after its retries', async () => {
    sim.failNext({ method: 'GET', path: /^\/guilds\/\d+$/, status: 502 });
    expect(((await client.rest.get(Routes.guild(guildId))) as { name: string }).name).toBe('Sim Guild');
    sim.failNext({ method: 'GET', path: /^\/guilds\/\d+$/, status: 500 }, 4);
    await expect(client.rest.get(Routes.guild(guildId))).rejects.toMatchObject({ status: 500 });
    const statuses = sim.calls.filter((call) => call.route === '/guilds/:id').map((call) => call.status);
    expect(statuses).toEqual([502, 200, 500, 500, 500, 500]);
  });

  it('injects 404s and other 403 codes with Discord’s messages, and records each answer’s code', async () => {
    const member = sim.createUser({ username: 'm' }).id;
    sim.addMember(guildId, member);
    sim.failNext({ method: 'GET', path: /\/members\/\d+$/, status: 404, code: 10007 });
    await expect(client.rest.get(Routes.guildMember(guildId, member))).rejects.toMatchObject({ status: 404, code: 10007, rawError: { message: 'Unknown Member', code: 10007 } });
    sim.failNext({ method: 'GET', path: /\/members\/\d+$/, status: 403, code: 50001 });
    await expect(client.rest.get(Routes.guildMember(guildId, member))).rejects.toMatchObject({ status: 403, code: 50001, rawError: { message: 'Missing Access' } });
    expect(sim.calls.filter((call) => call.route === '/guilds/:id/members/:id').map((call) => call.code)).toEqual([10007, 50001]);
    expect(sim.invalidRequestCount()).toBeGreaterThanOrEqual(1);
  });
});
