/**
 * Guilds and their roles as a server admin shapes them: creating a guild (the bot joins) and
 * channels (text, voice, announcement, stage), creating, moving, editing and deleting roles, and changing what the bot's role
 * allows. Each change dispatches the event Discord sends (GUILD_CREATE, CHANNEL_CREATE,
 * GUILD_ROLE_CREATE/UPDATE/DELETE).
 */
import { ChannelKind, DEFAULT_BOT_PERMISSIONS, EVERYONE_PERMISSIONS, type Guild, type GuildChannelType, type Role } from './model.ts';
import { channelPayload, guildPayload, publicGuild } from './payloads.ts';
import { isAbove, type World } from './state.ts';
import type { SimChannel, SimGuild, SimRole } from './types.ts';
import { publicRole, rolePayload } from './wire.ts';

export type GuildInput = { name: string; ownerId: string; preferredLocale?: string; botPermissions?: bigint };
export type RoleInput = { name: string; permissions?: bigint; position?: number; managed?: boolean };

export function createGuild(world: World, input: GuildInput): SimGuild {
  const id = world.snowflake();
  const channelId = world.snowflake();
  const botRoleId = world.snowflake();
  const roles = new Map<string, Role>([
    [id, { id, name: '@everyone', permissions: String(EVERYONE_PERMISSIONS), position: 0, managed: false, color: 0 }],
    // The bot's integration role: managed (nobody can assign it), placed at the top on join.
    [botRoleId, { id: botRoleId, name: world.botUser.username, permissions: String(input.botPermissions ?? DEFAULT_BOT_PERMISSIONS), position: 1, managed: true, color: 0 }],
  ]);
  const joinedAt = new Date().toISOString();
  const guild: Guild = {
    id,
    name: input.name,
    ownerId: input.ownerId,
    everyoneRoleId: id,
    systemChannelId: channelId,
    botRoleId,
    preferredLocale: input.preferredLocale ?? 'en-US',
    roles,
    members: new Map([
      [input.ownerId, { roles: [], joinedAt }],
      [world.botUser.id, { roles: [botRoleId], joinedAt }],
    ]),
    channels: [channelId],
    commandOverrides: new Set(),
  };
  world.guilds.set(id, guild);
  world.channels.set(channelId, { id: channelId, type: 0, guild_id: id, name: 'general', parent_id: null });
  world.dispatch('GUILD_CREATE', guildPayload(world, guild));
  return publicGuild(guild);
}

const GUILD_CHANNEL_TYPES: readonly number[] = [ChannelKind.Text, ChannelKind.Voice, ChannelKind.Announcement, ChannelKind.Stage];

/** An admin adds a channel, by default a text channel (CHANNEL_CREATE, a Guilds event). */
export function createTextChannel(world: World, guildId: string, name: string, type: GuildChannelType = ChannelKind.Text): SimChannel {
  const guild = world.guild(guildId);
  if (!GUILD_CHANNEL_TYPES.includes(type)) throw new Error(`discord sim: channel type ${type} is not one a test can create (0, 2, 5, 13)`);
  const channel = { id: world.snowflake(), type, guild_id: guild.id, name, parent_id: null };
  world.channels.set(channel.id, channel);
  guild.channels.push(channel.id);
  world.dispatch('CHANNEL_CREATE', channelPayload(world, channel));
  world.changed();
  return { id: channel.id, guildId: guild.id, name, type };
}

/**
 * A new role. Like Discord, it lands at position 1 (just above @everyone, below older roles at
 * the same position) unless a position is given.
 */
export function createRole(world: World, guildId: string, input: RoleInput): SimRole {
  const guild = world.guild(guildId);
  const role: Role = {
    id: world.snowflake(),
    name: input.name,
    permissions: String(input.permissions ?? 0n),
    position: input.position ?? 1,
    managed: input.managed ?? false,
    color: 0,
  };
  guild.roles.set(role.id, role);
  world.dispatch('GUILD_ROLE_CREATE', { guild_id: guildId, role: rolePayload(role) });
  return publicRole(role);
}

/**
 * Drags a role to `position` (1 = just above @everyone) as an admin does in Server Settings:
 * the other roles are renumbered 1..n in order, and every role whose position changed gets a
 * GUILD_ROLE_UPDATE.
 */
export function setRolePosition(world: World, guildId: string, roleId: string, position: number): void {
  const guild = world.guild(guildId);
  const moved = world.role(guildId, roleId);
  if (moved.id === guild.id) throw new Error('discord sim: @everyone always stays at position 0');
  const others = [...guild.roles.values()].filter((role) => role.id !== guild.id && role.id !== moved.id).sort((a, b) => (isAbove(a, b) ? 1 : -1));
  const index = Math.max(0, Math.min(others.length, position - 1));
  const ordered = [...others.slice(0, index), moved, ...others.slice(index)];
  for (const [rank, role] of ordered.entries()) {
    if (role.position === rank + 1) continue;
    role.position = rank + 1;
    world.dispatch('GUILD_ROLE_UPDATE', { guild_id: guildId, role: rolePayload(role) });
  }
  world.changed();
}

/** Edits a role's name or permissions (GUILD_ROLE_UPDATE). */
export function updateRole(world: World, guildId: string, roleId: string, changes: { name?: string; permissions?: bigint }): void {
  const role = world.role(guildId, roleId);
  if (changes.name !== undefined) role.name = changes.name;
  if (changes.permissions !== undefined) role.permissions = String(changes.permissions);
  world.dispatch('GUILD_ROLE_UPDATE', { guild_id: guildId, role: rolePayload(role) });
  world.changed();
}

/** Deletes a role: members lose it silently (Discord sends GUILD_ROLE_DELETE only, no member updates). */
export function deleteRole(world: World, guildId: string, roleId: string): void {
  const guild = world.guild(guildId);
  world.role(guildId, roleId);
  if (roleId === guild.id || roleId === guild.botRoleId) throw new Error('discord sim: @everyone and the bot role cannot be deleted');
  guild.roles.delete(roleId);
  for (const member of guild.members.values()) member.roles = member.roles.filter((id) => id !== roleId);
  world.dispatch('GUILD_ROLE_DELETE', { guild_id: guildId, role_id: roleId });
  world.changed();
}
