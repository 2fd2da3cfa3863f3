/**
 * Crosspost Message (publishing an announcement to the channels following it). Like Discord:
 * only in an announcement channel (50024 elsewhere), the bot's own messages with Send Messages,
 * others' with Manage Messages too (50013), once (40033), and not system messages (50068). The
 * message gains the CROSSPOSTED flag (MESSAGE_UPDATE); followers are not simulated. Discord's
 * limit of 10 crossposts an hour per channel is a route limit (rate-limits.ts).
 */
import { messageIn } from './messages.ts';
import { ChannelKind, Permission } from './model.ts';
import { messageCreatePayload } from './payloads.ts';
import type { World } from './state.ts';
import { wrongChannelType } from './threads.ts';
import type { SimMessage } from './types.ts';
import { ApiError, missingAccess, missingPermissions } from './wire.ts';

export const CROSSPOSTED = 1 << 0;
/** Message types a user or bot writes (DEFAULT, REPLY, CHAT_INPUT_COMMAND); the rest are system messages. */
const AUTHORED_TYPES = [0, 19, 20];

export function crosspost(world: World, channelId: string, messageId: string): SimMessage {
  const channel = world.channel(channelId);
  if (!world.canView(channel, world.botUser.id)) throw missingAccess();
  if (channel.type !== ChannelKind.Announcement) throw wrongChannelType();
  const message = messageIn(world, channel.id, messageId);
  const guild = world.guild(channel.guild_id!);
  const own = message.authorId === world.botUser.id;
  if (!world.botCan(guild, Permission.SendMessages) || (!own && !world.botCan(guild, Permission.ManageMessages))) throw missingPermissions();
  if (message.flags & CROSSPOSTED) throw new ApiError(400, { message: 'This message has already been crossposted', code: 40033 });
  if (!AUTHORED_TYPES.includes(message.type ?? 0)) throw new ApiError(400, { message: 'Invalid message type', code: 50068 });
  message.flags |= CROSSPOSTED;
  world.crossposts.push({ channelId: channel.id, messageId: message.id, at: Date.now() });
  world.dispatch('MESSAGE_UPDATE', messageCreatePayload(world, message));
  world.changed();
  return message;
}
