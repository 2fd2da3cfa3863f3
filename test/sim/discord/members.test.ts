import { type Client, Events, GatewayIntentBits, PermissionFlagsBits, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient, rejection, waitFor } from './test-client.ts';

type Packet = { t: string; d: any };

/**
 * Membership and role events over the gateway, as the gateway docs list them: GUILD_MEMBER_ADD,
 * _UPDATE, _REMOVE only with the privileged GuildMembers intent (the bot's own member update
 * regardless); GUILD_ROLE_CREATE/UPDATE/DELETE with Guilds.
 */
describe('Discord simulator members over the gateway', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let owner: string;
  const raw: Packet[] = [];
  const seen = (t: string, match: (d: any) => boolean = () => true) => raw.some((packet) => packet.t === t && match(packet.d));

  beforeAll(async () => {
    sim = await startDiscordSim();
    owner = sim.createUser({ username: 'owner' }).id;
    guildId = sim.createGuild({ name: 'Guild', ownerId: owner }).id;
    client = await connectClient(sim);
    client.on(Events.Raw, (packet: Packet) => raw.push(packet));
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('delivers a join, a leave and a rejoin; the rejoined member has no roles and a new joined_at', async () => {
    const left: string[] = [];
    client.on(Events.GuildMemberRemove, (removed) => left.push(removed.id));
    const user = sim.createUser({ username: 'comes-and-goes' }).id;
    const role = sim.createRole(guildId, { name: 'Student' });
    sim.addMember(guildId, user, [role.id]);
    await waitFor(() => client.guilds.cache.get(guildId)!.members.cache.get(user)?.roles.cache.has(role.id) === true);
    sim.removeMember(guildId, user);
    await waitFor(() => left.includes(user));
    expect(seen('GUILD_MEMBER_REMOVE', (d) => d.user.id === user && d.guild_id === guildId)).toBe(true);
    expect(sim.isMember(guildId, user)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 5));
    sim.addMember(guildId, user);
    await waitFor(() => client.guilds.cache.get(guildId)!.members.cache.has(user));
    const joins = raw.filter((packet) => packet.t === 'GUILD_MEMBER_ADD' && packet.d.user.id === user);
    expect(joins.map((packet) => packet.d.roles)).toEqual([[role.id], []]);
    expect(joins[1]!.d.joined_at > joins[0]!.d.joined_at).toBe(true);
    expect(sim.memberRoles(guildId, user)).toEqual([]);
  });

  it('sends GUILD_CREATE when the bot joins a guild, and GUILD_MEMBER_UPDATE on role changes', async () => {
    const member = sim.createUser({ username: 'member' }).id;
    const joined = sim.createGuild({ name: 'Later Guild', ownerId: owner });
    await waitFor(() => client.guilds.cache.has(joined.id));
    sim.addMember(joined.id, member);
    await waitFor(() => client.guilds.cache.get(joined.id)!.members.cache.has(member));
    const role = sim.createRole(joined.id, { name: 'Student', position: 0 });
    await client.guilds.cache.get(joined.id)!.members.cache.get(member)!.roles.add(role.id);
    await waitFor(() => seen('GUILD_MEMBER_UPDATE', (d) => d.user.id === member && d.roles.includes(role.id)));
  });

  it('sends GUILD_ROLE_DELETE when an admin deletes a role, and members lose it', async () => {
    const member = sim.createUser({ username: 'holder' }).id;
    const role = sim.createRole(guildId, { name: 'Doomed' });
    sim.addMember(guildId, member, [role.id]);
    await waitFor(() => client.guilds.cache.get(guildId)!.roles.cache.has(role.id));
    sim.deleteRole(guildId, role.id);
    await waitFor(() => !client.guilds.cache.get(guildId)!.roles.cache.has(role.id));
    expect(seen('GUILD_ROLE_DELETE', (d) => d.role_id === role.id && d.guild_id === guildId)).toBe(true);
    expect(sim.memberRoles(guildId, member)).toEqual([]);
  });

  it('kicks with Kick Members (204, GUILD_MEMBER_REMOVE); 50013 without it or for the owner; 10007 for a non-member', async () => {
    const user = sim.createUser({ username: 'kicked' }).id;
    sim.addMember(guildId, user);
    const botRole = sim.roles(guildId).find((role) => role.managed && role.name === 'Lyceum')!;
    expect(await rejection(client.rest.delete(Routes.guildMember(guildId, user)))).toMatchObject({ status: 403, code: 50013 });
    sim.setBotPermissions(guildId, BigInt(botRole.permissions) | PermissionFlagsBits.KickMembers);
    expect(await rejection(client.rest.delete(Routes.guildMember(guildId, owner)))).toMatchObject({ status: 403, code: 50013 });
    await client.rest.delete(Routes.guildMember(guildId, user), { reason: 'access ended' });
    expect(sim.isMember(guildId, user)).toBe(false);
    await waitFor(() => seen('GUILD_MEMBER_REMOVE', (d) => d.user.id === user));
    expect(await rejection(client.rest.delete(Routes.guildMember(guildId, user)))).toMatchObject({ status: 404, code: 10007 });
    sim.setBotPermissions(guildId, BigInt(botRole.permissions));
  });
});

describe('Discord simulator members without the GuildMembers intent', () => {
  it('sends no member events but the bot’s own GUILD_MEMBER_UPDATE, and role events', async () => {
    const sim = await startDiscordSim();
    const guild = sim.createGuild({ name: 'G', ownerId: sim.createUser({ username: 'o' }).id });
    const client = await connectClient(sim, [GatewayIntentBits.Guilds]);
    const raw: Packet[] = [];
    client.on(Events.Raw, (packet: Packet) => raw.push(packet));
    try {
      const user = sim.createUser({ username: 'quiet' }).id;
      sim.addMember(guild.id, user);
      sim.setMemberRoles(guild.id, user, [sim.createRole(guild.id, { name: 'r' }).id]);
      sim.removeMember(guild.id, user);
      sim.setMemberRoles(guild.id, sim.botUser.id, [guild.botRoleId, sim.createRole(guild.id, { name: 'bot extra' }).id]);
      await waitFor(() => raw.some((packet) => packet.t === 'GUILD_MEMBER_UPDATE'));
      expect(raw.map((packet) => packet.t)).toEqual(['GUILD_ROLE_CREATE', 'GUILD_ROLE_CREATE', 'GUILD_MEMBER_UPDATE']);
      expect(raw[2]!.d.user.id).toBe(sim.botUser.id);
    } finally {
      await client.destroy();
      await sim.close();
    }
  });
});
