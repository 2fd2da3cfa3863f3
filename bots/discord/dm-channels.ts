import { type APIChannel, type APIMessage, DiscordAPIError, type REST, RESTJSONErrorCodes, Routes } from 'discord.js';
import type { Reply } from '../../core/reply.ts';
import { renderDiscordMessage, restBody } from './render.ts';

const DM_CHANNELS_KEPT = 10_000;
/** Private messages Discord refuses for good: DMs closed, no shared server, no such user. */
export const UNREACHABLE_DM: ReadonlySet<number> = new Set([
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds,
  RESTJSONErrorCodes.UnknownUser,
  50033, // Invalid Recipient(s)
]);

/** Discord's JSON error code of a REST failure, if it has one. */
export function discordCode(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : undefined;
}

/**
 * Private messages from the workers: each member's DM channel is opened once and remembered (a
 * bounded cache, forgotten after a refusal). `unreachable` when Discord refuses for good;
 * outages are thrown for the job to retry.
 */
export function directMessages(rest: REST) {
  const channels = dmChannels(rest);
  return async (userId: string, reply: Reply): Promise<{ messageId: string } | { unreachable: true }> => {
    try {
      const sent = (await rest.post(Routes.channelMessages(await channels.of(userId)), { body: restBody(renderDiscordMessage(reply)) })) as APIMessage;
      return { messageId: sent.id };
    } catch (error) {
      channels.forget(userId);
      const code = discordCode(error);
      if (code !== undefined && UNREACHABLE_DM.has(code)) return { unreachable: true };
      throw error;
    }
  };
}

/** Each member's DM channel, opened once and remembered (a bounded cache; forget it after a refusal). */
export function dmChannels(rest: REST) {
  const channels = new Map<string, string>();
  return {
    async of(userId: string): Promise<string> {
      const cached = channels.get(userId);
      if (cached) return cached;
      const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIChannel;
      channels.set(userId, channel.id);
      if (channels.size > DM_CHANNELS_KEPT) channels.delete(channels.keys().next().value!);
      return channel.id;
    },
    forget: (userId: string) => void channels.delete(userId),
  };
}
