/**
 * Channels, messages (also in threads and announcement channels), crossposts (crossposts.ts) and
 * direct messages. Opening a DM always succeeds (even with a user whose
 * DMs are closed); sending into it is what Discord refuses with 403 50007 "Cannot send messages
 * to this user": when the user closed DMs from server members or shares no guild with the bot.
 */
import { crosspost } from './crossposts.ts';
import { EPHEMERAL, Intent, Permission } from './model.ts';
import { dispatchMessage, editMessage, fromBody, messageIn, storeMessage } from './messages.ts';
import { channelPayload, messagePayload } from './payloads.ts';
import type { Route } from './routes.ts';
import { joinByPosting } from './threads.ts';
import { withUploads } from './uploads.ts';
import { messageBody, newMessageBody } from './validation.ts';
import { ApiError, cannotMessageUser, missingAccess, missingPermissions, parseOr } from './wire.ts';

export const channelRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/users/@me/channels',
    handle: ({ world, body }) => {
      const recipient = String((body as { recipient_id?: unknown } | undefined)?.recipient_id ?? '');
      if (!world.users.has(recipient)) throw new ApiError(400, { message: 'Invalid Recipient(s)', code: 50033 });
      return { status: 200, body: channelPayload(world, world.dmChannel(recipient)) };
    },
  },
  { method: 'GET', pattern: '/channels/:channel', handle: ({ world, params }) => ({ status: 200, body: channelPayload(world, world.channel(params.channel!)) }) },
  {
    method: 'POST',
    pattern: '/channels/:channel/messages',
    handle: ({ world, params, body, files }) => {
      const channel = world.channel(params.channel!);
      const data = parseOr(newMessageBody, withUploads(body, files));
      // A private thread the bot is not in is a channel it cannot see; in threads only Send Messages in Threads counts.
      const inThread = world.threads.has(channel.id);
      if (!world.canView(channel, world.botUser.id)) throw missingAccess();
      if (channel.guild_id && !world.botCan(world.guild(channel.guild_id), inThread ? Permission.SendMessagesInThreads : Permission.SendMessages)) throw missingPermissions();
      const recipient = channel.type === 1 ? channel.recipients?.[0] : undefined;
      if (recipient && (world.closedDms.has(recipient) || !world.sharesGuild(recipient))) throw cannotMessageUser();
      const message = storeMessage(world, channel.id, { ...fromBody(world, channel.id, data, { files }), flags: (data.flags ?? 0) & ~EPHEMERAL });
      joinByPosting(world, channel.id, world.botUser.id);
      dispatchMessage(world, message);
      return { status: 200, body: messagePayload(world, message) };
    },
  },
  {
    method: 'GET',
    pattern: '/channels/:channel/messages/:message',
    // REST follows the portal's MESSAGE_CONTENT setting, not the intents a session identified with.
    handle: ({ world, params }) => ({
      status: 200,
      body: messagePayload(world, messageIn(world, params.channel!, params.message!), Boolean(world.privilegedIntents & Intent.MessageContent)),
    }),
  },
  {
    method: 'PATCH',
    pattern: '/channels/:channel/messages/:message',
    handle: ({ world, params, body, files }) => {
      const message = messageIn(world, params.channel!, params.message!);
      if (message.authorId !== world.botUser.id) throw new ApiError(403, { message: 'Cannot edit a message authored by another user', code: 50005 });
      editMessage(world, message.id, parseOr(messageBody, body), files);
      return { status: 200, body: messagePayload(world, message) };
    },
  },
  {
    method: 'POST',
    pattern: '/channels/:channel/messages/:message/crosspost',
    handle: ({ world, params }) => ({ status: 200, body: messagePayload(world, crosspost(world, params.channel!, params.message!)) }),
  },
];
