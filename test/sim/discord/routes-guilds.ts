/**
 * Guilds, roles and members over REST. Role changes answer like Discord: 204 (idempotent),
 * 10007 Unknown Member, 10011 Unknown Role (also for @everyone), 50013 Missing Permissions
 * without Manage Roles or for a role at or above the bot's highest (or a managed role).
 * Listing members needs the privileged GuildMembers intent enabled for the app, else 50001.
 * Kicks need Kick Members and a target below the bot (50013).
 */
import { Intent, Permission } from './model.ts';
import { changeMemberRole, kickMember, listMembers, setMemberRoles } from './members.ts';
import { guildPayload, memberPayload } from './payloads.ts';
import { createRole } from './roles.ts';
import type { Route } from './routes.ts';
import { formError, missingAccess, missingPermissions, rolePayload, unknownMember } from './wire.ts';

const roleChange =
  (add: boolean): Route['handle'] =>
  ({ world, params }) => {
    changeMemberRole(world, params.guild!, params.user!, params.role!, add);
    return { status: 204 };
  };

/** `limit` and `after` of a member list, validated as Discord does (50035 NUMBER_TYPE_MIN/MAX). */
function listQuery(query: URLSearchParams): { limit: number; after: string } {
  const limit = Number(query.get('limit') ?? 1);
  if (!Number.isInteger(limit)) throw formError(['limit'], 'NUMBER_TYPE_COERCE', `Value "${query.get('limit')}" is not int.`);
  if (limit < 1) throw formError(['limit'], 'NUMBER_TYPE_MIN', 'int value should be greater than or equal to 1.');
  if (limit > 1000) throw formError(['limit'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 1000.');
  const after = query.get('after') ?? '0';
  if (!/^\d+$/.test(after)) throw formError(['after'], 'NUMBER_TYPE_COERCE', `Value "${after}" is not snowflake.`);
  return { limit, after };
}

export const guildRoutes: Route[] = [
  { method: 'GET', pattern: '/guilds/:guild', handle: ({ world, params }) => ({ status: 200, body: guildPayload(world, world.guild(params.guild!, 10004), false) }) },
  { method: 'GET', pattern: '/guilds/:guild/roles', handle: ({ world, params }) => ({ status: 200, body: [...world.guild(params.guild!, 10004).roles.values()].map(rolePayload) }) },
  {
    method: 'POST',
    pattern: '/guilds/:guild/roles',
    handle: ({ world, params, body }) => {
      const guild = world.guild(params.guild!, 10004);
      if (!world.botCan(guild, Permission.ManageRoles)) throw missingPermissions();
      const input = (body ?? {}) as { name?: string; permissions?: string };
      const role = createRole(world, guild.id, { name: input.name ?? 'new role', permissions: BigInt(input.permissions ?? '0') });
      return { status: 200, body: rolePayload(guild.roles.get(role.id)!) };
    },
  },
  {
    method: 'GET',
    pattern: '/guilds/:guild/members',
    handle: ({ world, params, query }) => {
      const guild = world.guild(params.guild!, 10004);
      if (!(world.privilegedIntents & Intent.GuildMembers)) throw missingAccess();
      const { limit, after } = listQuery(query);
      return { status: 200, body: listMembers(world, guild, limit, after) };
    },
  },
  {
    method: 'GET',
    pattern: '/guilds/:guild/members/:user',
    handle: ({ world, params }) => {
      const guild = world.guild(params.guild!, 10004);
      if (!guild.members.has(params.user!)) throw unknownMember();
      return { status: 200, body: memberPayload(world, guild, params.user!) };
    },
  },
  {
    method: 'PATCH',
    pattern: '/guilds/:guild/members/:user',
    handle: ({ world, params, body }) => {
      const guild = world.guild(params.guild!, 10004);
      const roles = (body as { roles?: unknown } | undefined)?.roles;
      if (roles !== undefined && roles !== null) {
        if (!Array.isArray(roles) || roles.some((id) => typeof id !== 'string')) throw formError(['roles'], 'BASE_TYPE_INVALID', 'Invalid value.');
        if (roles.length > 350) throw formError(['roles'], 'BASE_TYPE_MAX_LENGTH', 'Must be 350 or fewer in length.');
        setMemberRoles(world, guild.id, params.user!, roles as string[]);
      } else if (!guild.members.has(params.user!)) throw unknownMember();
      return { status: 200, body: memberPayload(world, guild, params.user!) };
    },
  },
  {
    method: 'DELETE',
    pattern: '/guilds/:guild/members/:user',
    handle: ({ world, params }) => {
      kickMember(world, params.guild!, params.user!);
      return { status: 204 };
    },
  },
  { method: 'PUT', pattern: '/guilds/:guild/members/:user/roles/:role', handle: roleChange(true) },
  { method: 'DELETE', pattern: '/guilds/:guild/members/:user/roles/:role', handle: roleChange(false) },
];
