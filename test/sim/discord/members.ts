/**
 * Guild membership: members joining, leaving and rejoining (GUILD_MEMBER_ADD/REMOVE, only with
 * the GuildMembers intent), and role changes with Discord's checks (Manage Roles, the role
 * hierarchy, managed roles, @everyone) and events (one GUILD_MEMBER_UPDATE per actual change).
 */
import type { Guild, Role } from './model.ts';
import { Permission } from './model.ts';
import { memberPayload } from './payloads.ts';
import type { World } from './state.ts';
import { missingPermissions, unknownMember, unknownRole, userPayload } from './wire.ts';

/** A user joins (or rejoins) a guild: a fresh member with `joined_at` now and only the given roles. */
export function addMember(world: World, guildId: string, userId: string, roleIds: string[] = []): void {
  const guild = world.guild(guildId);
  world.simUser(userId);
  for (const roleId of roleIds) world.role(guildId, roleId);
  guild.members.set(userId, { roles: [...new Set(roleIds)], joinedAt: new Date().toISOString() });
  world.dispatch('GUILD_MEMBER_ADD', { guild_id: guildId, ...memberPayload(world, guild, userId) });
  world.changed();
}

/** A member leaves (or is kicked): their roles go with them, as on Discord; a rejoin starts bare. */
export function removeMember(world: World, guildId: string, userId: string): void {
  const guild = world.guild(guildId);
  if (!guild.members.delete(userId)) throw new Error(`discord sim: ${userId} is not a member of ${guild.name}`);
  world.dispatch('GUILD_MEMBER_REMOVE', { guild_id: guildId, user: userPayload(world.user2(userId)) });
  world.changed();
}

/**
 * DELETE /guilds/:guild/members/:user: a kick, with Discord's checks (Kick Members; nobody kicks
 * the owner or someone whose highest role is not below the bot's). GUILD_MEMBER_REMOVE follows.
 */
export function kickMember(world: World, guildId: string, userId: string): void {
  const guild = world.guild(guildId, 10004);
  if (!guild.members.has(userId)) throw unknownMember();
  const outranked = guild.ownerId === userId || !world.botOutranks(guild, world.highestRole(guild, userId));
  if (!world.botCan(guild, Permission.KickMembers) || outranked) throw missingPermissions();
  removeMember(world, guildId, userId);
}

/** The member and role a role route names, with Discord's 404s (the @everyone role is "Unknown Role"). */
function target(world: World, guildId: string, userId: string, roleId: string): { guild: Guild; role: Role } {
  const guild = world.guild(guildId, 10004);
  if (!guild.members.has(userId)) throw unknownMember();
  const role = guild.roles.get(roleId);
  if (!role || role.id === guild.id) throw unknownRole();
  return { guild, role };
}

/** Whether the bot may give or take `role`: Manage Roles, a role below its highest, not managed. */
function assertManageable(world: World, guild: Guild, role: Role): void {
  if (!world.botCan(guild, Permission.ManageRoles) || !world.botOutranks(guild, role) || role.managed) throw missingPermissions();
}

/**
 * PUT/DELETE /guilds/:guild/members/:user/roles/:role. Idempotent: adding a role the member has
 * (or removing one they lack) still answers 204 and dispatches nothing.
 */
export function changeMemberRole(world: World, guildId: string, userId: string, roleId: string, add: boolean): void {
  const { guild, role } = target(world, guildId, userId, roleId);
  assertManageable(world, guild, role);
  const member = guild.members.get(userId)!;
  const has = member.roles.includes(roleId);
  if (has === add) return;
  member.roles = add ? [...member.roles, roleId] : member.roles.filter((id) => id !== roleId);
  world.roleChanges.push({ guildId, userId, roleId, added: add });
  memberUpdated(world, guild, userId);
}

/**
 * PATCH /guilds/:guild/members/:user with `roles`: replaces the list. Every role added or removed
 * must be manageable; @everyone in the list is ignored (Discord answers success and keeps it implicit).
 */
export function setMemberRoles(world: World, guildId: string, userId: string, roleIds: string[]): void {
  const guild = world.guild(guildId, 10004);
  const member = guild.members.get(userId);
  if (!member) throw unknownMember();
  const wanted = [...new Set(roleIds.filter((id) => id !== guild.id))];
  for (const id of wanted) if (!guild.roles.has(id)) throw unknownRole();
  const added = wanted.filter((id) => !member.roles.includes(id));
  const removed = member.roles.filter((id) => !wanted.includes(id));
  for (const id of [...added, ...removed]) assertManageable(world, guild, guild.roles.get(id)!);
  if (!added.length && !removed.length) return;
  member.roles = wanted;
  memberUpdated(world, guild, userId);
}

export function memberUpdated(world: World, guild: Guild, userId: string): void {
  world.dispatch('GUILD_MEMBER_UPDATE', { guild_id: guild.id, ...memberPayload(world, guild, userId) });
  world.changed();
}

/** GET /guilds/:guild/members: sorted by user id, `after` exclusive, `limit` 1-1000 (default 1). */
export function listMembers(world: World, guild: Guild, limit: number, after: string): Record<string, unknown>[] {
  return [...guild.members.keys()]
    .filter((id) => BigInt(id) > BigInt(after))
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
    .slice(0, limit)
    .map((id) => memberPayload(world, guild, id));
}
