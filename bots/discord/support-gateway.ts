import { type APIChannel, type APIMessage, ChannelType, DiscordAPIError, REST, RESTJSONErrorCodes, Routes } from 'discord.js';
import type { Logger } from 'pino';
import type { SupportGateway } from '../../core/support/support-gateway.ts';
import { directMessages, discordCode } from './dm-channels.ts';
import { renderDiscordMessage, restBody } from './render.ts';

/** Refusals a person must fix: missing permissions, a deleted channel or thread, the bot removed. */
const PERMANENT: ReadonlySet<number> = new Set([
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.UnknownGuild,
  RESTJSONErrorCodes.ThreadLocked,
]);
const WEEK_MINUTES = 10_080;


/**
 * Discord's side of the human takeover, REST only: a private thread per ticket in the staff
 * channel (the staff Lyceum knows are added; the staff role is pinged on the summary and when a
 * first reply is overdue), and the member's DMs. Thread messages from staff reach Lyceum through
 * the bot's gateway (see support.ts).
 */
export function createDiscordSupportGateway(options: { token: string; apiUrl?: string | undefined; log: Logger }): SupportGateway {
  const rest = new REST(options.apiUrl ? { api: options.apiUrl } : {}).setToken(options.token);
  const log = options.log.child({ platform: 'discord', component: 'support-gateway' });
  const sendDm = directMessages(rest);
  const blockedBy = (error: unknown, what: string) => {
    const code = discordCode(error);
    if (code === undefined || !PERMANENT.has(code)) throw error;
    return { blocked: `${what}: ${(error as DiscordAPIError).message}` };
  };
  return {
    async openHandoff({ space, title, staffUserIds }) {
      if (!space.channelId) return { blocked: 'no staff channel set' };
      let thread: APIChannel;
      try {
        thread = (await rest.post(Routes.threads(space.channelId), { body: { name: title, type: ChannelType.PrivateThread, invitable: false, auto_archive_duration: WEEK_MINUTES } })) as APIChannel;
      } catch (error) {
        return blockedBy(error, 'creating the ticket thread');
      }
      for (const userId of staffUserIds) {
        try {
          await rest.put(Routes.threadMembers(thread.id, userId));
        } catch (error) {
          // Staff who left the server are skipped; the others still get the thread.
          if (discordCode(error) !== RESTJSONErrorCodes.UnknownMember) log.warn({ err: error, threadId: thread.id }, 'could not add staff to the ticket thread');
        }
      }
      return { threadId: thread.id };
    },
    async postToHandoff({ space, threadId, reply, mention }) {
      const message = restBody(renderDiscordMessage(reply));
      const ping = mention && space.roleId ? { content: `<@&${space.roleId}> ${message.content ?? ''}`.trim(), allowed_mentions: { roles: [space.roleId] } } : { allowed_mentions: { parse: [] } };
      try {
        const sent = (await rest.post(Routes.channelMessages(threadId), { body: { ...message, ...ping } })) as APIMessage;
        return { messageId: sent.id };
      } catch (error) {
        return blockedBy(error, 'posting in the ticket thread');
      }
    },
    postToMember: ({ userId, reply }) => sendDm(userId, reply),
  };
}
