/** Discord's JSON objects for the simulator's state: messages, guilds, members, channels and threads. */
import { attachmentPayload } from './cdn.ts';
import { type Channel, ChannelKind, EPOCH, type Guild, Intent, type Thread } from './model.ts';
import { guildEventPayloads } from './scheduled-events.ts';
import type { World } from './state.ts';
import type { SimGuild, SimMessage } from './types.ts';
import { rolePayload, userPayload } from './wire.ts';

/** A user as messages show them: the bot with `bot: true`. */
export function personPayload(world: World, userId: string): Record<string, unknown> {
  return userId === world.botUser.id ? { ...userPayload(world.botUser), bot: true } : userPayload(world.user2(userId));
}

/**
 * Whether the app sees a message's content without the MESSAGE_CONTENT intent: its own
 * messages, DMs, and messages that mention it (a reply that pings it mentions it).
 */
export function contentExempt(world: World, message: SimMessage): boolean {
  const channel = world.channels.get(message.channelId);
  return message.authorId === world.botUser.id || !channel?.guild_id || Boolean(message.mentions?.includes(world.botUser.id));
}

/**
 * A message object. Without `canReadContent` (the MESSAGE_CONTENT intent: requested at IDENTIFY
 * for the gateway, enabled in the portal for REST) content, embeds, components and attachments
 * are empty, unless the message is exempt.
 */
export function messagePayload(world: World, message: SimMessage, canReadContent = true, nested = false): Record<string, unknown> {
  const channel = world.channels.get(message.channelId);
  const interaction = message.interactionId ? world.interactions.get(message.interactionId) : undefined;
  const readable = canReadContent || contentExempt(world, message);
  const reference = message.reference;
  const replied = reference?.messageId ? (world.messages.get(reference.channelId) ?? []).find((candidate) => candidate.id === reference.messageId) : undefined;
  const type = message.type ?? (interaction?.kind === 2 && !interaction.componentMessageId ? 20 : reference?.messageId ? 19 : 0);
  return {
    id: message.id,
    channel_id: message.channelId,
    ...(channel?.guild_id ? { guild_id: channel.guild_id } : {}),
    type,
    author: personPayload(world, message.authorId),
    content: readable ? message.content : '',
    embeds: readable ? message.embeds : [],
    components: readable ? message.components : [],
    flags: message.flags,
    timestamp: new Date(Number((BigInt(message.id) >> 22n) + EPOCH)).toISOString(),
    edited_timestamp: message.editedAt ? new Date(message.editedAt).toISOString() : null,
    tts: false,
    mention_everyone: message.mentionEveryone ?? false,
    mentions: (message.mentions ?? []).map((id) => personPayload(world, id)),
    mention_roles: message.mentionRoles ?? [],
    attachments: readable ? (message.attachments ?? []).map((attachment) => attachmentPayload(world, attachment)) : [],
    pinned: false,
    ...(reference
      ? { message_reference: { type: 0, channel_id: reference.channelId, ...(channel?.guild_id ? { guild_id: channel.guild_id } : {}), ...(reference.messageId ? { message_id: reference.messageId } : {}) } }
      : {}),
    // Only one level deep; null when the replied-to message was deleted.
    ...(type === 19 && !nested ? { referenced_message: replied ? messagePayload(world, replied, canReadContent, true) : null } : {}),
    ...(interaction
      ? {
          application_id: world.applicationId,
          webhook_id: world.applicationId,
          interaction_metadata: { id: interaction.id, type: interaction.kind, user: userPayload(world.user2(interaction.userId)), authorizing_integration_owners: {} },
        }
      : {}),
  };
}

/**
 * MESSAGE_CREATE's data: the message as the connected session may read it (its MESSAGE_CONTENT
 * intent), plus the author's partial `member`, a partial `member` on each mentioned member, and
 * `channel_type`.
 */
export function messageCreatePayload(world: World, message: SimMessage): Record<string, unknown> {
  const channel = world.channels.get(message.channelId);
  const payload = messagePayload(world, message, Boolean(world.intentsFor(channel?.guild_id ?? undefined) & Intent.MessageContent));
  const guild = channel?.guild_id ? world.guilds.get(channel.guild_id) : undefined;
  const partialMember = (id: string) => {
    if (!guild?.members.has(id)) return {};
    const { user: _user, ...member } = memberPayload(world, guild, id);
    return { member };
  };
  return {
    ...payload,
    ...partialMember(message.authorId),
    mentions: (message.mentions ?? []).map((id) => ({ ...personPayload(world, id), ...partialMember(id) })),
    channel_type: channel?.type,
  };
}

/** A guild object; `withState` adds what GUILD_CREATE carries (members, channels, counts). */
export function guildPayload(world: World, guild: Guild, withState = true): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    system_channel_id: guild.systemChannelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    preferred_locale: guild.preferredLocale,
    max_members: 500_000,
    vanity_url_code: null,
    application_id: null,
    features: [],
    roles: [...guild.roles.values()].map(rolePayload),
    emojis: [],
    stickers: [],
    ...(withState
      ? {
          unavailable: false,
          large: false,
          joined_at: guild.members.get(world.botUser.id)?.joinedAt,
          member_count: guild.members.size,
          // Without the GuildMembers intent a guild arrives with the bot's own member only.
          members: [...guild.members.keys()]
            .filter((id) => id === world.botUser.id || world.intentsFor(guild.id) & Intent.GuildMembers)
            .map((id) => memberPayload(world, guild, id)),
          channels: guild.channels.map((id) => channelPayload(world, world.channels.get(id)!)),
          // Active threads the bot can see, with its thread member (without id and user_id) where it joined.
          threads: [...world.threads.keys()]
            .map((id) => world.channels.get(id)!)
            .filter((thread) => thread.guild_id === guild.id && world.canView(thread, world.botUser.id))
            .map((thread) => {
              const { member, ...rest } = channelPayload(world, thread) as { member?: Record<string, unknown> };
              return { ...rest, ...(member ? { member: { join_timestamp: member.join_timestamp, flags: 0 } } : {}) };
            }),
          presences: [],
          voice_states: [],
          stage_instances: [],
          guild_scheduled_events: guildEventPayloads(world, guild.id),
          soundboard_sounds: [],
        }
      : {}),
  };
}

export function memberPayload(world: World, guild: Guild, userId: string): Record<string, unknown> {
  const member = guild.members.get(userId)!;
  const user = userId === world.botUser.id ? { ...userPayload(world.botUser), bot: true } : userPayload(world.user2(userId));
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles: member.roles,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

/** A thread member object; `withMember` adds the guild member (List Thread Members `with_member`, THREAD_MEMBERS_UPDATE). */
export function threadMemberPayload(world: World, threadId: string, userId: string, withMember = false): Record<string, unknown> {
  const thread = world.channels.get(threadId)!;
  const joined = world.threads.get(threadId)?.members.get(userId);
  const guild = world.guilds.get(thread.guild_id ?? '');
  return {
    id: threadId,
    user_id: userId,
    join_timestamp: joined,
    flags: 0,
    ...(withMember && guild?.members.has(userId) ? { member: memberPayload(world, guild, userId) } : {}),
  };
}

/** A thread channel; `member` is the bot's thread member when it joined (as Get Channel returns it). */
function threadPayload(world: World, channel: Channel, thread: Thread): Record<string, unknown> {
  const messages = (world.messages.get(channel.id) ?? []).filter((message) => !message.ephemeral);
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guild_id,
    parent_id: channel.parent_id,
    owner_id: thread.ownerId,
    name: channel.name,
    last_message_id: messages.at(-1)?.id ?? null,
    rate_limit_per_user: thread.rateLimitPerUser,
    flags: 0,
    message_count: messages.length,
    total_message_sent: messages.length,
    // Discord stops counting at 50.
    member_count: Math.min(thread.members.size, 50),
    thread_metadata: {
      archived: false,
      auto_archive_duration: thread.autoArchiveDuration,
      archive_timestamp: thread.createdAt,
      locked: false,
      ...(thread.invitable === undefined ? {} : { invitable: thread.invitable }),
      create_timestamp: thread.createdAt,
    },
    ...(thread.members.has(world.botUser.id) ? { member: threadMemberPayload(world, channel.id, world.botUser.id) } : {}),
  };
}

export function channelPayload(world: World, channel: Channel): Record<string, unknown> {
  const thread = world.threads.get(channel.id);
  if (thread) return threadPayload(world, channel, thread);
  if (channel.type === 1) {
    return { id: channel.id, type: 1, last_message_id: null, flags: 0, recipients: (channel.recipients ?? []).map((id) => userPayload(world.user2(id))) };
  }
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guild_id,
    name: channel.name,
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    parent_id: channel.parent_id ?? null,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
    // Voice and stage channels carry their audio settings.
    ...(channel.type === ChannelKind.Voice || channel.type === ChannelKind.Stage ? { bitrate: 64_000, user_limit: 0, rtc_region: null } : {}),
  };
}

export function publicGuild(guild: Guild): SimGuild {
  return { id: guild.id, name: guild.name, ownerId: guild.ownerId, everyoneRoleId: guild.everyoneRoleId, systemChannelId: guild.systemChannelId, botRoleId: guild.botRoleId };
}
