import { type Client, Events, PermissionFlagsBits, Routes } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient, rejection, waitFor } from './test-client.ts';

/**
 * Role routes as Discord answers them (API reference "Add/Remove Guild Member Role", the OpenAPI
 * description's 204 for both, discord-api-docs#179 and #1587 for 404 10011 on @everyone,
 * #173 for @everyone ignored in PATCH), through the real discord.js client.
 */
describe('Discord simulator roles', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let member: string;
  let outsider: string;
  const raw: Array<{ t: string; d: any }> = [];
  const memberUpdates = (userId: string, since = 0) => raw.slice(since).filter((packet) => packet.t === 'GUILD_MEMBER_UPDATE' && packet.d.user.id === userId);

  beforeAll(async () => {
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'member' }).id;
    outsider = sim.createUser({ username: 'outsider' }).id;
    guildId = sim.createGuild({ name: 'Paid Guild', ownerId: owner }).id;
    sim.addMember(guildId, member);
    client = await connectClient(sim);
    client.on(Events.Raw, (packet: { t: string; d: unknown }) => raw.push(packet as { t: string; d: any }));
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });
  beforeEach(() => sim.setMemberRoles(guildId, member, []));

  it('adds and removes a role with 204, idempotently: a repeat answers 204 and dispatches nothing', async () => {
    const role = sim.createRole(guildId, { name: 'Student' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const since = raw.length;
    await client.rest.put(Routes.guildMemberRole(guildId, member, role.id));
    await client.rest.put(Routes.guildMemberRole(guildId, member, role.id));
    expect(sim.memberRoles(guildId, member)).toEqual([role.id]);
    await waitFor(() => client.guilds.cache.get(guildId)!.members.cache.get(member)!.roles.cache.has(role.id));
    await client.rest.delete(Routes.guildMemberRole(guildId, member, role.id));
    await client.rest.delete(Routes.guildMemberRole(guildId, member, role.id));
    expect(sim.memberRoles(guildId, member)).toEqual([]);
    const statuses = sim.calls.filter((call) => call.route === '/guilds/:id/members/:id/roles/:id').slice(-4).map((call) => call.status);
    expect(statuses).toEqual([204, 204, 204, 204]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(memberUpdates(member, since).map((packet) => packet.d.roles)).toEqual([[role.id], []]);
  });

  it('records the X-Audit-Log-Reason header, as discord.js sends it', async () => {
    const role = sim.createRole(guildId, { name: 'Supporter' });
    await client.guilds.cache.get(guildId)!.members.cache.get(member)!.roles.add(role.id, 'purchase #42 (月度)');
    await client.rest.delete(Routes.guildMemberRole(guildId, member, role.id), { reason: 'subscription cancelled' });
    const reasons = sim.calls.filter((call) => call.route === '/guilds/:id/members/:id/roles/:id').slice(-2).map((call) => call.reason);
    expect(reasons).toEqual(['purchase #42 (月度)', 'subscription cancelled']);
  });

  it('answers 10007 for a non-member, 10011 for an unknown role and for @everyone', async () => {
    const role = sim.createRole(guildId, { name: 'Any' });
    expect(await rejection(client.rest.put(Routes.guildMemberRole(guildId, outsider, role.id)))).toMatchObject({ status: 404, code: 10007, rawError: { message: 'Unknown Member' } });
    expect(await rejection(client.rest.put(Routes.guildMemberRole(guildId, member, '1'.repeat(18))))).toMatchObject({ status: 404, code: 10011, rawError: { message: 'Unknown Role' } });
    expect(await rejection(client.rest.delete(Routes.guildMemberRole(guildId, member, guildId)))).toMatchObject({ status: 404, code: 10011 });
    expect(await rejection(client.rest.get(Routes.guildMember(guildId, outsider)))).toMatchObject({ status: 404, code: 10007 });
  });

  it('answers 50013 when the bot lacks Manage Roles, and works again once it is given back', async () => {
    const role = sim.createRole(guildId, { name: 'Gated' });
    const botRole = sim.roles(guildId).find((candidate) => candidate.managed && candidate.name === 'Lyceum')!;
    sim.setBotPermissions(guildId, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages);
    await waitFor(() => !client.guilds.cache.get(guildId)!.members.me!.permissions.has(PermissionFlagsBits.ManageRoles));
    expect(await rejection(client.rest.put(Routes.guildMemberRole(guildId, member, role.id)))).toMatchObject({ status: 403, code: 50013, rawError: { message: 'Missing Permissions' } });
    sim.setBotPermissions(guildId, BigInt(botRole.permissions));
    await client.rest.put(Routes.guildMemberRole(guildId, member, role.id));
    expect(sim.memberRoles(guildId, member)).toEqual([role.id]);
  });

  it('answers 50013 for a role at or above the bot’s highest, after an admin drags it up (GUILD_ROLE_UPDATE)', async () => {
    const role = sim.createRole(guildId, { name: 'Premium' });
    await client.rest.put(Routes.guildMemberRole(guildId, member, role.id));
    sim.setRolePosition(guildId, role.id, 99);
    const cached = () => client.guilds.cache.get(guildId)!.roles.cache;
    await waitFor(() => cached().get(role.id)!.comparePositionTo(client.guilds.cache.get(guildId)!.members.me!.roles.highest) > 0);
    expect(await rejection(client.rest.delete(Routes.guildMemberRole(guildId, member, role.id)))).toMatchObject({ status: 403, code: 50013 });
    const botRole = client.guilds.cache.get(guildId)!.members.me!.roles.highest;
    expect(await rejection(client.rest.put(Routes.guildMemberRole(guildId, member, botRole.id)))).toMatchObject({ code: 50013 });
    sim.setRolePosition(guildId, role.id, 1);
    await client.rest.delete(Routes.guildMemberRole(guildId, member, role.id));
    expect(raw.filter((packet) => packet.t === 'GUILD_ROLE_UPDATE' && packet.d.role.id === role.id).length).toBeGreaterThanOrEqual(2);
  });

  it('answers 50013 for a managed (integration) role even below the bot', async () => {
    const managed = sim.createRole(guildId, { name: 'Server Booster', managed: true });
    expect(await rejection(client.rest.put(Routes.guildMemberRole(guildId, member, managed.id)))).toMatchObject({ status: 403, code: 50013 });
  });

  it('replaces the role list with PATCH (ignoring @everyone) and checks every role it changes', async () => {
    const [a, b] = [sim.createRole(guildId, { name: 'A' }), sim.createRole(guildId, { name: 'B' })];
    const patched = (await client.rest.patch(Routes.guildMember(guildId, member), { body: { roles: [a.id, b.id, guildId] } })) as { roles: string[] };
    expect(patched.roles).toEqual([a.id, b.id]);
    await client.rest.patch(Routes.guildMember(guildId, member), { body: { roles: [b.id] } });
    expect(sim.memberRoles(guildId, member)).toEqual([b.id]);
    const high = sim.createRole(guildId, { name: 'High', position: 50 });
    expect(await rejection(client.rest.patch(Routes.guildMember(guildId, member), { body: { roles: [b.id, high.id] } }))).toMatchObject({ code: 50013 });
    expect(sim.memberRoles(guildId, member)).toEqual([b.id]);
  });

  it('gets a member and the guild’s roles', async () => {
    const fetched = (await client.rest.get(Routes.guildMember(guildId, member))) as { user: { id: string }; roles: string[]; joined_at: string };
    expect(fetched).toMatchObject({ user: { id: member }, roles: [] });
    const roles = (await client.rest.get(Routes.guildRoles(guildId))) as Array<{ id: string; position: number; managed: boolean }>;
    expect(roles.find((role) => role.id === guildId)).toMatchObject({ position: 0, managed: false });
  });

  it('lists members sorted by id with limit (default 1, 1-1000) and after', async () => {
    const all = (await client.rest.get(Routes.guildMembers(guildId), { query: new URLSearchParams({ limit: '1000' }) })) as Array<{ user: { id: string } }>;
    const ids = all.map((entry) => entry.user.id);
    expect(ids).toEqual([...ids].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)));
    expect(((await client.rest.get(Routes.guildMembers(guildId))) as unknown[]).length).toBe(1);
    const page = (await client.rest.get(Routes.guildMembers(guildId), { query: new URLSearchParams({ limit: '2', after: ids[0]! }) })) as Array<{ user: { id: string } }>;
    expect(page.map((entry) => entry.user.id)).toEqual(ids.slice(1, 3));
    const tooMany = await rejection(client.rest.get(Routes.guildMembers(guildId), { query: new URLSearchParams({ limit: '1001' }) }));
    expect(tooMany).toMatchObject({ status: 400, code: 50035, rawError: { errors: { limit: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 1000.' }] } } } });
  });
});

describe('Discord simulator member listing without the privileged intent', () => {
  it('answers 403 50001 Missing Access when GuildMembers is not enabled for the app', async () => {
    const sim = await startDiscordSim({ privilegedIntents: 0 });
    const guildId = sim.createGuild({ name: 'G', ownerId: sim.createUser({ username: 'o' }).id }).id;
    const client = await connectClient(sim, [1]);
    try {
      expect(await rejection(client.rest.get(Routes.guildMembers(guildId)))).toMatchObject({ status: 403, code: 50001, rawError: { message: 'Missing Access' } });
    } finally {
      await client.destroy();
      await sim.close();
    }
  });
});
