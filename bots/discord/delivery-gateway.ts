import { type APIChannel, type APIMessage, DiscordAPIError, REST, RESTJSONErrorCodes, Routes } from 'discord.js';
import type { DeliveryGateway, SendResult } from '../../core/delivery/delivery-gateway.ts';
import { renderDiscordMessage, restBody } from './render.ts';

const DM_CHANNELS_KEPT = 10_000;
/** Refusals no retry changes: DMs closed, no shared server, no such user or channel, no access to the channel. */
const UNREACHABLE: ReadonlySet<number> = new Set([
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds,
  RESTJSONErrorCodes.UnknownUser,
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  50033, // Invalid Recipient(s)
]);

/**
 * The delivery engine's Discord side, REST only: a channel post, or a DM through the member's DM
 * channel (opened once, remembered). Every 401/403/429 answer is flagged, for the engine's count
 * of invalid requests that Discord punishes with an IP ban.
 */
export function createDiscordDeliveryGateway(options: { token: string; apiUrl?: string | undefined }): DeliveryGateway {
  const rest = new REST({ version: '10', ...(options.apiUrl ? { api: options.apiUrl } : {}) }).setToken(options.token);
  const channels = new Map<string, string>();
  const dmChannel = async (userId: string) => {
    const cached = channels.get(userId);
    if (cached) return cached;
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIChannel;
    channels.set(userId, channel.id);
    if (channels.size > DM_CHANNELS_KEPT) channels.delete(channels.keys().next().value!);
    return channel.id;
  };
  return {
    async send(target, reply): Promise<SendResult> {
      try {
        const channelId = target.kind === 'dm' ? await dmChannel(target.id) : target.id;
        const sent = (await rest.post(Routes.channelMessages(channelId), { body: restBody(renderDiscordMessage(reply)) })) as APIMessage;
        return { sent: sent.id };
      } catch (error) {
        channels.delete(target.id);
        return classify(error);
      }
    },
  };
}

function classify(error: unknown): SendResult {
  if (!(error instanceof DiscordAPIError)) {
    // A 5xx (the REST client's HTTPError, after its own retries) was not delivered; no answer at all may have been.
    if (((error as { status?: number }).status ?? 0) >= 500) throw error;
    return { ambiguous: error instanceof Error ? error.message : String(error) };
  }
  const invalid = error.status === 401 || error.status === 403 || error.status === 429 ? { invalidRequest: true as const } : {};
  if (typeof error.code === 'number' && UNREACHABLE.has(error.code)) return { permanent: `${error.code} ${error.message}`, ...invalid };
  // Anything else (a bad token, a malformed message) is an outage or a bug: the queue retries, then fails the job.
  throw error;
}
