/**
 * Channels, messages and direct messages. Opening a DM always succeeds (even with a user whose
 * DMs are closed); sending into it is what Discord refuses with 403 50007 "Cannot send messages
 * to this user": when the user closed DMs from server members or shares no guild with the bot.
 */
import { EPHEMERAL, Permission } from './model.ts';
import { editMessage, fromBody, messageIn, storeMessage } from './messages.ts';
import { channelPayload, messagePayload } from './payloads.ts';
import type { Route } from './routes.ts';
import { messageBody, newMessageBody } from './validation.ts';
import { ApiError, cannotMessageUser, formError, missingPermissions, parseOr } from './wire.ts';

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
    handle: ({ world, params, body }) => {
      const channel = world.channel(params.channel!);
      const data = parseOr(newMessageBody, body);
      if (channel.guild_id && !world.botCan(world.guild(channel.guild_id), Permission.SendMessages)) throw missingPermissions();
      const recipient = channel.type === 1 ? channel.recipients?.[0] : undefined;
      if (recipient && (world.closedDms.has(recipient) || !world.sharesGuild(recipient))) throw cannotMessageUser();
      const message = storeMessage(world, channel.id, { ...fromBody(world, data), flags: (data.flags ?? 0) & ~EPHEMERAL });
      world.dispatch('MESSAGE_CREATE', messagePayload(world, message));
      return { status: 200, body: messagePayload(world, message) };
    },
  },
  {
    method: 'GET',
    pattern: '/channels/:channel/messages/:message',
    handle: ({ world, params }) => ({ status: 200, body: messagePayload(world, messageIn(world, params.channel!, params.message!)) }),
  },
  {
    method: 'PATCH',
    pattern: '/channels/:channel/messages/:message',
    handle: ({ world, params, body }) => {
      const message = messageIn(world, params.channel!, params.message!);
      if (message.authorId !== world.botUser.id) throw new ApiError(403, { message: 'Cannot edit a message authored by another user', code: 50005 });
      editMessage(world, message.id, parseOr(messageBody, body));
      return { status: 200, body: messagePayload(world, message) };
    },
  },
  {
    method: 'POST',
    pattern: '/channels/:channel/threads',
    handle: ({ world, params, body }) => {
      const channel = world.channel(params.channel!);
      const name = String((body as { name?: unknown } | undefined)?.name ?? '');
      if (!name || name.length > 100) throw formError(['name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      if (!channel.guild_id) throw new ApiError(400, { message: 'Cannot execute action on a DM channel', code: 50003 });
      if (!world.botCan(world.guild(channel.guild_id), Permission.CreatePublicThreads)) throw missingPermissions();
      const thread = { id: world.snowflake(), type: 11, guild_id: channel.guild_id, name, parent_id: channel.id };
      world.channels.set(thread.id, thread);
      const metadata = { archived: false, auto_archive_duration: 1440, locked: false, archive_timestamp: new Date().toISOString() };
      return { status: 201, body: { ...channelPayload(world, thread), owner_id: world.botUser.id, thread_metadata: metadata, member_count: 1, message_count: 0 } };
    },
  },
];
