import {
  type APIChannel,
  type APIGuildScheduledEvent,
  type APIMessage,
  ChannelType,
  DiscordAPIError,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  REST,
  RESTJSONErrorCodes,
  Routes,
} from 'discord.js';
import type { Logger } from 'pino';
import type { DeliveryGateway, SendResult } from '../../core/delivery/delivery-gateway.ts';
import type { FileStore } from '../../core/files/file-store.ts';
import type { Reply } from '../../core/reply.ts';
import { dmChannels, UNREACHABLE_DM } from './dm-channels.ts';
import { renderDiscordMessage, restBody } from './render.ts';

/** Refusals no retry changes: those of DMs, and a channel that is gone or closed to the bot. */
const UNREACHABLE: ReadonlySet<number> = new Set([...UNREACHABLE_DM, RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions]);
/** Discord takes at most this much in one message from a bot in an ordinary server. */
const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

type Options = { token: string; apiUrl?: string | undefined; files?: FileStore; dmsPerMinute?: number; log?: Pick<Logger, 'warn'> };

/**
 * The delivery engine's Discord side, REST only: a channel post (published to following servers
 * when asked and the channel is an announcement channel), or a DM through the member's DM channel
 * (opened once, remembered). Every 401/403/429 answer is flagged, for the engine's count of
 * invalid requests that Discord punishes with an IP ban.
 */
export function createDiscordDeliveryGateway(options: Options): DeliveryGateway {
  const rest = new REST({ version: '10', ...(options.apiUrl ? { api: options.apiUrl } : {}) }).setToken(options.token);
  const channels = dmChannels(rest);
  const channelTypes = new Map<string, ChannelType>();
  const channelOf = (target: { kind: string; id: string }) => (target.kind === 'dm' ? channels.of(target.id) : Promise.resolve(target.id));

  const attachments = async (reply: Reply) => {
    const file = reply.files?.[0];
    if (!file || !options.files || file.size > UPLOAD_LIMIT_BYTES) return [];
    const bytes = await options.files.get(file.sha256);
    return bytes ? [{ name: file.name, data: Buffer.from(bytes) }] : [];
  };
  const publish = async (channelId: string, messageId: string) => {
    try {
      let type = channelTypes.get(channelId);
      if (type === undefined) {
        type = ((await rest.get(Routes.channel(channelId))) as APIChannel).type;
        channelTypes.set(channelId, type);
      }
      if (type !== ChannelType.GuildAnnouncement) return;
      await rest.post(Routes.channelMessageCrosspost(channelId, messageId));
    } catch (error) {
      // The post is out; only the followers' copy failed (Discord allows 10 an hour per channel).
      options.log?.warn({ err: error, channelId }, 'could not publish the announcement to following servers');
    }
  };

  return {
    ...(options.dmsPerMinute ? { dmsPerMinute: options.dmsPerMinute } : {}),
    async send(target, reply, extras = {}): Promise<SendResult> {
      let sent: APIMessage;
      try {
        const channelId = await channelOf(target);
        const files = await attachments(reply);
        sent = (await rest.post(Routes.channelMessages(channelId), { body: restBody(renderDiscordMessage(reply)), ...(files.length ? { files } : {}) })) as APIMessage;
      } catch (error) {
        channels.forget(target.id);
        return classify(error);
      }
      if (extras.publish && target.kind === 'channel') await publish(sent.channel_id, sent.id);
      return { sent: sent.id };
    },
    async createEvent(guildId, event) {
      const inChannel = event.channelId ? ((await rest.get(Routes.channel(event.channelId))) as APIChannel) : undefined;
      const place = inChannel
        ? { entity_type: inChannel.type === ChannelType.GuildStageVoice ? GuildScheduledEventEntityType.StageInstance : GuildScheduledEventEntityType.Voice, channel_id: inChannel.id }
        : { entity_type: GuildScheduledEventEntityType.External, channel_id: null, entity_metadata: { location: event.link ?? 'Online' }, scheduled_end_time: event.endsAt.toISOString() };
      const created = (await rest.post(Routes.guildScheduledEvents(guildId), {
        body: { name: event.name, description: event.description, scheduled_start_time: event.startsAt.toISOString(), privacy_level: GuildScheduledEventPrivacyLevel.GuildOnly, ...place },
      })) as APIGuildScheduledEvent;
      return created.id;
    },
    async cancelEvent(guildId, eventId) {
      try {
        await rest.patch(Routes.guildScheduledEvent(guildId, eventId), { body: { status: GuildScheduledEventStatus.Canceled } });
      } catch (error) {
        // Already gone or finished: nothing left to cancel.
        if (!(error instanceof DiscordAPIError && (error.code === RESTJSONErrorCodes.UnknownGuildScheduledEvent || error.status === 400))) throw error;
      }
    },
    async edit(target, messageId, reply) {
      try {
        await rest.patch(Routes.channelMessage(await channelOf(target), messageId), { body: restBody(renderDiscordMessage(reply)) });
        return true;
      } catch (error) {
        if (error instanceof DiscordAPIError && (error.code === RESTJSONErrorCodes.UnknownMessage || (typeof error.code === 'number' && UNREACHABLE.has(error.code)))) return false;
        throw error;
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
