/**
 * Threads, as the channel resource and threads topic describe them. Start Thread without Message
 * makes a public (11) or private (12, text channels only) thread; `type` defaults to private, as
 * Discord's does. Creating one needs Create Public / Create Private Threads; adding a member or
 * posting needs Send Messages in Threads (Send Messages has no effect in threads). A private
 * thread is seen only by its members and Manage Threads. Events: THREAD_CREATE (`newly_created`),
 * THREAD_MEMBERS_UPDATE (the gateway drops other users' without GuildMembers), a THREAD_CREATED
 * (18) message in the parent of a public thread, a RECIPIENT_ADD (1) message when someone is added.
 */
import { z } from 'zod';
import { choices, coded } from './form-errors.ts';
import { type Channel, ChannelKind, Permission, type Thread } from './model.ts';
import { dispatchMessage, storeMessage } from './messages.ts';
import { channelPayload, threadMemberPayload } from './payloads.ts';
import type { World } from './state.ts';
import type { SimThread } from './types.ts';
import { ApiError, formError, missingAccess, missingPermissions, unknownMember } from './wire.ts';

const NAME_LENGTH = coded('BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');

/** Start Thread without Message's JSON params (other keys are ignored, as Discord ignores them). */
export const threadBody = z.object({
  name: z.string().min(1, NAME_LENGTH).max(100, NAME_LENGTH),
  type: choices([10, 11, 12]).optional(),
  auto_archive_duration: choices([60, 1440, 4320, 10080]).optional(),
  invitable: z.boolean().optional(),
  rate_limit_per_user: z.number().int().min(0).max(21_600).nullable().optional(),
});

export const wrongChannelType = () => new ApiError(400, { message: 'Cannot execute action on this channel type', code: 50024 });

/** The thread a thread route names: 10003 if there is no such channel, 50024 if it is not a thread. */
export function threadOf(world: World, channelId: string): { channel: Channel; thread: Thread } {
  const channel = world.channel(channelId);
  const thread = world.threads.get(channel.id);
  if (!thread) throw wrongChannelType();
  return { channel, thread };
}

/** POST /channels/:channel/threads without a message: the new thread's channel. */
export function startThread(world: World, parentId: string, data: z.infer<typeof threadBody>): Channel {
  const parent = world.channel(parentId);
  if (!parent.guild_id) throw new ApiError(400, { message: 'Cannot execute action on a DM channel', code: 50003 });
  const type = data.type ?? ChannelKind.PrivateThread;
  // Text channels hold public and private threads, announcement channels announcement threads.
  const fits = parent.type === ChannelKind.Text ? type !== ChannelKind.AnnouncementThread : parent.type === ChannelKind.Announcement && type === ChannelKind.AnnouncementThread;
  if (!fits) throw wrongChannelType();
  const guild = world.guild(parent.guild_id);
  if (!world.botCan(guild, type === ChannelKind.PrivateThread ? Permission.CreatePrivateThreads : Permission.CreatePublicThreads)) throw missingPermissions();
  const channel: Channel = { id: world.snowflake(), type, guild_id: guild.id, name: data.name, parent_id: parent.id };
  const now = new Date().toISOString();
  const thread: Thread = {
    ownerId: world.botUser.id,
    autoArchiveDuration: data.auto_archive_duration ?? 1440,
    rateLimitPerUser: data.rate_limit_per_user ?? 0,
    ...(type === ChannelKind.PrivateThread ? { invitable: data.invitable ?? true } : {}),
    createdAt: now,
    members: new Map([[world.botUser.id, now]]),
  };
  world.channels.set(channel.id, channel);
  world.threads.set(channel.id, thread);
  const { member: _member, ...created } = channelPayload(world, channel);
  world.dispatch('THREAD_CREATE', { ...created, newly_created: true });
  membersUpdated(world, channel, [world.botUser.id]);
  if (type !== ChannelKind.PrivateThread) {
    const notice = storeMessage(world, parent.id, { authorId: world.botUser.id, content: data.name, embeds: [], components: [], flags: 0, type: 18, reference: { channelId: channel.id } });
    dispatchMessage(world, notice);
  }
  world.changed();
  return channel;
}

/**
 * PUT /channels/:thread/thread-members/:user (`@me` joins). Idempotent: an existing member
 * answers 204 with no events. In a private thread that is not invitable only its creator and
 * Manage Threads add others.
 */
export function addThreadMember(world: World, threadId: string, target: string): void {
  const { channel, thread } = threadOf(world, threadId);
  const guild = world.guild(channel.guild_id!);
  const bot = world.botUser.id;
  const userId = target === '@me' ? bot : target;
  if (!world.canView(channel, bot)) throw missingAccess();
  if (!guild.members.has(userId)) throw unknownMember();
  if (userId !== bot) {
    if (!world.botCan(guild, Permission.SendMessagesInThreads)) throw missingPermissions();
    const moderator = (world.permissionsOf(guild, bot) & Permission.ManageThreads) !== 0n;
    if (thread.invitable === false && thread.ownerId !== bot && !moderator) throw missingPermissions();
  }
  if (thread.members.has(userId)) return;
  thread.members.set(userId, new Date().toISOString());
  if (userId === bot) world.dispatch('THREAD_CREATE', channelPayload(world, channel));
  membersUpdated(world, channel, [userId]);
  if (userId !== bot) {
    const notice = storeMessage(world, channel.id, { authorId: bot, content: '', embeds: [], components: [], flags: 0, type: 1, mentions: [userId] });
    dispatchMessage(world, notice);
  }
  world.changed();
}

/** Posting in a thread joins it (THREAD_MEMBERS_UPDATE); nothing happens outside threads or for members. */
export function joinByPosting(world: World, channelId: string, userId: string): void {
  const thread = world.threads.get(channelId);
  if (!thread || thread.members.has(userId)) return;
  thread.members.set(userId, new Date().toISOString());
  membersUpdated(world, world.channels.get(channelId)!, [userId]);
}

function membersUpdated(world: World, channel: Channel, added: string[]): void {
  const thread = world.threads.get(channel.id)!;
  world.dispatch('THREAD_MEMBERS_UPDATE', {
    id: channel.id,
    guild_id: channel.guild_id,
    member_count: Math.min(thread.members.size, 50),
    added_members: added.map((userId) => ({ ...threadMemberPayload(world, channel.id, userId, true), presence: null })),
  });
}

/** GET /channels/:thread/thread-members: insertion order, or with `with_member` sorted by user id and paged (`after`, `limit` 1-100). */
export function listThreadMembers(world: World, threadId: string, query: URLSearchParams): Record<string, unknown>[] {
  const { channel, thread } = threadOf(world, threadId);
  if (!world.canView(channel, world.botUser.id)) throw missingAccess();
  const withMember = query.get('with_member') === 'true';
  const ids = [...thread.members.keys()];
  if (!withMember) return ids.map((id) => threadMemberPayload(world, channel.id, id));
  const limit = Number(query.get('limit') ?? 100);
  if (!Number.isInteger(limit)) throw formError(['limit'], 'NUMBER_TYPE_COERCE', `Value "${query.get('limit')}" is not int.`);
  if (limit < 1) throw formError(['limit'], 'NUMBER_TYPE_MIN', 'int value should be greater than or equal to 1.');
  if (limit > 100) throw formError(['limit'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 100.');
  const after = query.get('after') ?? '0';
  if (!/^\d+$/.test(after)) throw formError(['after'], 'NUMBER_TYPE_COERCE', `Value "${after}" is not snowflake.`);
  return ids
    .filter((id) => BigInt(id) > BigInt(after))
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
    .slice(0, limit)
    .map((id) => threadMemberPayload(world, channel.id, id, true));
}

/** The guild's threads, oldest first, with their members' ids in the order they joined. */
export function guildThreads(world: World, guildId: string): SimThread[] {
  world.guild(guildId);
  return [...world.threads.entries()].flatMap(([id, thread]) => {
    const channel = world.channels.get(id)!;
    if (channel.guild_id !== guildId) return [];
    const invitable = thread.invitable === undefined ? {} : { invitable: thread.invitable };
    return [{ id, guildId, name: channel.name!, type: channel.type, parentId: channel.parent_id!, ownerId: thread.ownerId, ...invitable, members: [...thread.members.keys()] }];
  });
}
