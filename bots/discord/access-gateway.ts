import {
  type APIGuildMember,
  type APIRole,
  type APIUser,
  DefaultRestOptions,
  PermissionFlagsBits,
  REST,
  RESTJSONErrorCodes,
  Routes,
} from 'discord.js';
import type { Logger } from 'pino';
import type { AccessGateway, AccessOutcome } from '../../core/access/access-gateway.ts';
import { t } from '../../core/i18n/index.ts';
import type { Reply } from '../../core/reply.ts';
import { directMessages, discordCode } from './dm-channels.ts';
import { isAbove, type RoleFacts, whyRoleBlocked } from './role-hierarchy.ts';

export type DiscordAccessGatewayOptions = {
  token: string;
  /** REST base, e.g. a simulator's `http://127.0.0.1:PORT/api`; Discord's own when unset. */
  apiUrl?: string | undefined;
  log: Logger;
  /**
   * Waits for the bot's global rate before each request goes on the wire (after discord.js's own
   * per-route queue), so every process together stays under Discord's limit (see the pacer).
   */
  pace?: () => Promise<unknown>;
};

const done: AccessOutcome = { kind: 'done' };
const blocked = (reason: string): AccessOutcome => ({ kind: 'blocked', reason });

/**
 * The access worker's way to Discord: REST only (no gateway connection), so workers scale apart
 * from the bot. Role changes are idempotent on Discord (adding a role the member has, removing
 * one they lack: 204). 429s are waited out and retried by @discordjs/rest itself; 5xx and
 * network errors are thrown, so the job retries with backoff. Refusals a person must fix come
 * back as `blocked`, saying which fix. A member not in the server yet is `waiting`: the bot's
 * GUILD_MEMBER_ADD (core/access/member-presence) applies their grants when they join.
 */
export function createDiscordAccessGateway(options: DiscordAccessGatewayOptions): AccessGateway {
  const { pace } = options;
  const rest = new REST({
    ...(options.apiUrl ? { api: options.apiUrl } : {}),
    ...(pace ? { makeRequest: async (url: string, init: RequestInit) => (await pace(), DefaultRestOptions.makeRequest(url, init)) } : {}),
  }).setToken(options.token);
  const log = options.log.child({ platform: 'discord', component: 'access-gateway' });
  rest.on('rateLimited', (info) => log.warn({ route: info.route, retryAfter: info.retryAfter }, 'rate limited by Discord'));
  let botUser: Promise<APIUser> | undefined;
  const botUserId = async () => {
    botUser ??= (rest.get(Routes.user()) as Promise<APIUser>).catch((error: unknown) => {
      botUser = undefined;
      throw error;
    });
    return (await botUser).id;
  };

  // A user's DM channel id never changes: opening it once per process is enough (bounded, oldest out).
  const sendDm = directMessages(rest);

  return {
    async setRole({ guildId, userId, roleId, present, reason }) {
      const route = Routes.guildMemberRole(guildId, userId, roleId);
      try {
        await (present ? rest.put(route, { reason }) : rest.delete(route, { reason }));
        return done;
      } catch (error) {
        switch (discordCode(error)) {
          case RESTJSONErrorCodes.UnknownMember:
            // Not in the server (yet, or any more): nothing to take away; given when they join.
            return present ? { kind: 'waiting', reason: 'the member is not in the Discord server yet' } : done;
          case RESTJSONErrorCodes.UnknownRole:
            return present ? blocked('the role no longer exists in the Discord server: edit the product to grant another one') : done;
          case RESTJSONErrorCodes.MissingPermissions:
            return blocked(await explainMissingPermissions(rest, log, { guildId, roleId, botUserId }));
          case RESTJSONErrorCodes.UnknownGuild:
          case RESTJSONErrorCodes.MissingAccess:
            return blocked('the bot is not in that Discord server any more: invite it back');
          default:
            throw error;
        }
      }
    },
    async listMembers({ guildId }) {
      const members = new Map<string, string[]>();
      try {
        for (let after = '0'; ; ) {
          const page = (await rest.get(Routes.guildMembers(guildId), { query: new URLSearchParams({ limit: '1000', after }) })) as APIGuildMember[];
          for (const member of page) if (!member.user.bot) members.set(member.user.id, member.roles);
          if (page.length < 1000) return { members };
          after = page.at(-1)!.user.id;
        }
      } catch (error) {
        if (discordCode(error) === RESTJSONErrorCodes.MissingAccess) return { blocked: 'listing members needs the Server Members Intent turned on for the bot' };
        throw error;
      }
    },
    async kickFromGuild({ guildId, userId, reason }) {
      try {
        await rest.delete(Routes.guildMember(guildId, userId), { reason });
        return done;
      } catch (error) {
        switch (discordCode(error)) {
          case RESTJSONErrorCodes.UnknownMember:
            return done;
          case RESTJSONErrorCodes.MissingPermissions:
            return blocked('the bot needs Kick Members, and a role above the member’s highest role, to remove them from the server');
          case RESTJSONErrorCodes.UnknownGuild:
          case RESTJSONErrorCodes.MissingAccess:
            return blocked('the bot is not in that Discord server any more: invite it back');
          default:
            throw error;
        }
      }
    },
    inviteToChat: async () => blocked('not a Discord resource'),
    removeFromChat: async () => blocked('not a Discord resource'),
    async notify(userId: string, reply: Reply) {
      return 'messageId' in (await sendDm(userId, reply));
    },
  };
}

/**
 * 50013 has two causes a server admin can fix: the bot lacks Manage Roles, or its highest role
 * is not above the role (plus roles nobody can assign). Which one is read from the guild's roles
 * and the bot's own member, so the creator is told the right fix.
 */
async function explainMissingPermissions(
  rest: REST,
  log: Logger,
  target: { guildId: string; roleId: string; botUserId: () => Promise<string> },
): Promise<string> {
  const prefix = 'Discord refused the role change (Missing Permissions).';
  try {
    const [roles, me] = await Promise.all([
      rest.get(Routes.guildRoles(target.guildId)) as Promise<APIRole[]>,
      target.botUserId().then((id) => rest.get(Routes.guildMember(target.guildId, id)) as Promise<APIGuildMember>),
    ]);
    const role = roles.find((candidate) => candidate.id === target.roleId);
    if (!role) return `${prefix} The role no longer exists in the server.`;
    const everyone = roles.find((candidate) => candidate.id === target.guildId);
    const mine = roles.filter((candidate) => me.roles.includes(candidate.id));
    const permissions = [everyone, ...mine].reduce((all, candidate) => all | BigInt(candidate?.permissions ?? 0), 0n);
    const facts = (candidate: APIRole): RoleFacts => ({ id: candidate.id, position: candidate.position, managed: candidate.managed });
    const highest = mine.map(facts).reduce<RoleFacts>((top, candidate) => (isAbove(candidate, top) ? candidate : top), { id: target.guildId, position: 0, managed: false });
    const cause = whyRoleBlocked({
      guildId: target.guildId,
      role: facts(role),
      botHighest: highest,
      botCanManageRoles: (permissions & (PermissionFlagsBits.ManageRoles | PermissionFlagsBits.Administrator)) !== 0n,
      botOwnsGuild: false,
    });
    if (cause) return `${prefix} ${t('en', `role.blocked.${cause}`)}`;
    return `${prefix} The bot has Manage Roles and sits above the role; if the server requires 2FA for moderation, the bot owner's account needs 2FA.`;
  } catch (error) {
    log.warn({ err: error, guildId: target.guildId }, 'could not read the guild to explain a 50013');
    return `${prefix} Check that the bot has Manage Roles and that its role sits above the granted role.`;
  }
}
