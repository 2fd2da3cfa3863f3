/**
 * Discord's rules for which roles a bot may give or take, on plain data, so the slash command
 * adapter (from its guild cache) and the REST access gateway (from fetched JSON) decide alike.
 * Core gets only the verdict (`RoleBlocked`) and says what to fix.
 */
export type RoleBlocked = 'above_bot' | 'managed' | 'everyone' | 'no_manage_roles';

export type RoleFacts = { id: string; position: number; managed: boolean };

export type GuildRoleFacts = {
  guildId: string;
  /** The role to be given or taken. */
  role: RoleFacts;
  /** The bot's highest role (the guild's @everyone when it has none). */
  botHighest: RoleFacts;
  /** Manage Roles or Administrator, at guild level. */
  botCanManageRoles: boolean;
  /** A guild owner is above the hierarchy. */
  botOwnsGuild: boolean;
};

/**
 * Discord's role order: the higher position first; at equal positions the older role (smaller
 * snowflake) is above, as the client and discord.js `Role.comparePositions` order them.
 */
export function isAbove(a: RoleFacts, b: RoleFacts): boolean {
  if (a.position !== b.position) return a.position > b.position;
  return BigInt(a.id) < BigInt(b.id);
}

/**
 * Why the bot cannot manage `role`, or undefined when it can. Causes nobody but Discord can fix
 * (@everyone, integration roles) come before those a server admin can.
 */
export function whyRoleBlocked(facts: GuildRoleFacts): RoleBlocked | undefined {
  if (facts.role.id === facts.guildId) return 'everyone';
  if (facts.role.managed) return 'managed';
  if (!facts.botCanManageRoles) return 'no_manage_roles';
  if (!facts.botOwnsGuild && !isAbove(facts.botHighest, facts.role)) return 'above_bot';
  return undefined;
}
