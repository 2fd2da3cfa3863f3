/** Discord's JSON objects for the simulator's state: messages, guilds, members, channels. */
import { type Channel, EPOCH, type Guild, Intent } from './model.ts';
import type { World } from './state.ts';
import type { SimGuild, SimMessage } from './types.ts';
import { rolePayload, userPayload } from './wire.ts';

export function messagePayload(world: World, message: SimMessage): Record<string, unknown> {
  const author = message.authorId === world.botUser.id ? { ...userPayload(world.botUser), bot: true } : userPayload(world.user2(message.authorId));
  const channel = world.channels.get(message.channelId);
  const interaction = message.interactionId ? world.interactions.get(message.interactionId) : undefined;
  return {
    id: message.id,
    channel_id: message.channelId,
    ...(channel?.guild_id ? { guild_id: channel.guild_id } : {}),
    type: interaction?.kind === 2 && !interaction.componentMessageId ? 20 : 0,
    author,
    content: message.content,
    embeds: message.embeds,
    components: message.components,
    flags: message.flags,
    timestamp: new Date(Number((BigInt(message.id) >> 22n) + EPOCH)).toISOString(),
    edited_timestamp: message.editedAt ? new Date(message.editedAt).toISOString() : null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    pinned: false,
    ...(interaction
      ? {
          application_id: world.applicationId,
          webhook_id: world.applicationId,
          interaction_metadata: { id: interaction.id, type: interaction.kind, user: userPayload(world.user2(interaction.userId)), authorizing_integration_owners: {} },
        }
      : {}),
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
            .filter((id) => id === world.botUser.id || (world.session?.intents ?? 0) & Intent.GuildMembers)
            .map((id) => memberPayload(world, guild, id)),
          channels: guild.channels.map((id) => channelPayload(world, world.channels.get(id)!)),
          threads: [],
          presences: [],
          voice_states: [],
          stage_instances: [],
          guild_scheduled_events: [],
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

export function channelPayload(world: World, channel: Channel): Record<string, unknown> {
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
  };
}

export function publicGuild(guild: Guild): SimGuild {
  return { id: guild.id, name: guild.name, ownerId: guild.ownerId, everyoneRoleId: guild.everyoneRoleId, systemChannelId: guild.systemChannelId, botRoleId: guild.botRoleId };
}
