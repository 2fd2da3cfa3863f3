import { type APIMessage, DiscordAPIError, REST, RESTJSONErrorCodes, Routes } from 'discord.js';
import type { DeliveryGateway, SendResult } from '../../core/delivery/delivery-gateway.ts';
import { dmChannels, UNREACHABLE_DM } from './dm-channels.ts';
import { renderDiscordMessage, restBody } from './render.ts';

/** Refusals no retry changes: those of DMs, and a channel that is gone or closed to the bot. */
const UNREACHABLE: ReadonlySet<number> = new Set([...UNREACHABLE_DM, RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions]);

/**
 * The delivery engine's Discord side, REST only: a channel post, or a DM through the member's DM
 * channel (opened once, remembered). Every 401/403/429 answer is flagged, for the engine's count
 * of invalid requests that Discord punishes with an IP ban.
 */
export function createDiscordDeliveryGateway(options: { token: string; apiUrl?: string | undefined }): DeliveryGateway {
  const rest = new REST({ version: '10', ...(options.apiUrl ? { api: options.apiUrl } : {}) }).setToken(options.token);
  const channels = dmChannels(rest);
  return {
    async send(target, reply): Promise<SendResult> {
      try {
        const channelId = target.kind === 'dm' ? await channels.of(target.id) : target.id;
        const sent = (await rest.post(Routes.channelMessages(channelId), { body: restBody(renderDiscordMessage(reply)) })) as APIMessage;
        return { sent: sent.id };
      } catch (error) {
        channels.forget(target.id);
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
