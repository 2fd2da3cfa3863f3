/**
 * Interactions a member starts: INTERACTION_CREATE with Discord's fields, the acknowledgement
 * deadline (the user sees "The application did not respond" after it), and the handle a test
 * awaits for the answer the user sees.
 */
import { randomBytes } from 'node:crypto';
import { attachmentPayload, storeFile } from './cdn.ts';
import { ALL_PERMISSIONS, type Guild, type Interaction, Permission } from './model.ts';
import { findMessage } from './messages.ts';
import { channelPayload, memberPayload, messagePayload } from './payloads.ts';
import type { World } from './state.ts';
import type { InteractionHandle, InteractionKind, SimMessage, SimUpload, SimUser } from './types.ts';
import { failure, rolePayload, userPayload } from './wire.ts';

/** The command `user` may run in `guildId`, or a thrown Error saying why the client would not offer it. */
export function invocable(world: World, user: SimUser, guildId: string, name: string) {
  const guild = world.guild(guildId);
  if (!guild.members.has(user.id)) throw new Error(`discord sim: ${user.username} is not in guild ${guild.name}`);
  const command = world.guildCommands.get(guildId)?.get(name) ?? world.globalCommands.get(name);
  if (!command) throw new Error(`discord sim: /${name} is not registered in ${guild.name}`);
  const needed = command.default_member_permissions;
  if (needed != null && !guild.commandOverrides.has(name)) {
    const permissions = world.permissionsOf(guild, user.id);
    const required = BigInt(needed);
    if ((permissions & Permission.Administrator) === 0n && (permissions & required) !== required) {
      throw new Error(`discord sim: ${user.username} cannot see /${name} (default_member_permissions ${needed})`);
    }
  }
  return { command, guild };
}

/**
 * Collects `data.resolved` for the users, members, roles and channels a command's options mention,
 * and the files of attachment options (kept on the CDN as ephemeral attachments; `add` gives the id).
 */
export function resolver(world: World, guild: Guild, channelId: string) {
  const resolved: Record<'users' | 'members' | 'roles' | 'channels' | 'attachments', Record<string, unknown>> = { users: {}, members: {}, roles: {}, channels: {}, attachments: {} };
  const add = (type: number, value: string | SimUpload): string | void => {
    if (typeof value !== 'string') {
      const size = Buffer.byteLength(value.data);
      if (size > world.uploadLimit) throw failure(`${value.name} (${size} bytes) is larger than the ${world.uploadLimit}-byte upload limit`);
      const file = storeFile(world, channelId, { filename: value.name, contentType: value.contentType, data: Buffer.from(value.data) }, true);
      resolved.attachments[file.id] = attachmentPayload(world, file);
      return file.id;
    }
    const id = value;
    const user = type === 6 || type === 9 ? world.users.get(id) : undefined;
    const role = type === 8 || type === 9 ? guild.roles.get(id) : undefined;
    const channel = type === 7 ? world.channels.get(id) : undefined;
    if (user) {
      resolved.users[id] = userPayload(user);
      if (guild.members.has(id)) {
        const { user: _user, ...member } = memberPayload(world, guild, id);
        resolved.members[id] = { ...member, permissions: String(world.permissionsOf(guild, id)) };
      }
    } else if (role) resolved.roles[id] = rolePayload(role);
    else if (channel?.guild_id === guild.id) resolved.channels[id] = { id, name: channel.name, type: channel.type, parent_id: channel.parent_id ?? null, permissions: String(ALL_PERMISSIONS) };
    else throw failure(`no ${({ 6: 'user', 7: 'channel in this guild', 8: 'role in this guild' } as Record<number, string>)[type] ?? 'user or role'} with id ${id}`);
  };
  const data = () => {
    const present = Object.entries(resolved).filter(([, entries]) => Object.keys(entries).length);
    return present.length ? { resolved: Object.fromEntries(present) } : {};
  };
  return { add, data };
}

export function componentInteraction(world: World, user: SimUser, message: SimMessage, data: Record<string, unknown>): Promise<InteractionHandle> {
  const channel = world.channels.get(message.channelId)!;
  const guild = channel.guild_id ? world.guild(channel.guild_id) : undefined;
  return interact(world, user, guild, message.channelId, 3, data, undefined, message);
}

export async function interact(
  world: World,
  user: SimUser,
  guild: Guild | undefined,
  channelId: string,
  kind: InteractionKind,
  data: Record<string, unknown>,
  locale?: string,
  message?: SimMessage,
): Promise<InteractionHandle> {
  if (!world.sessionsFor(guild?.id).some((session) => session.ready)) throw new Error(`discord sim: no bot is connected on the shard of ${guild ? `guild ${guild.id}` : 'DMs'}`);
  const id = world.snowflake();
  const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
  const interaction: Interaction = {
    id,
    token,
    kind,
    userId: user.id,
    channelId,
    ...(guild ? { guildId: guild.id } : {}),
    ...(message ? { componentMessageId: message.id } : {}),
    createdAt: Date.now(),
    deliveredTo: world.sessionsFor(guild?.id).map((session) => session.shard[0]),
    failed: false,
    acknowledged: false,
    originalEdited: false,
    followUps: [],
    callbacks: [],
    deadline: setTimeout(() => {
      if (interaction.acknowledged) return;
      // The user sees "The application did not respond"; the token is dead.
      interaction.failed = true;
      world.changed();
    }, world.deadlineMs),
  };
  world.interactions.set(id, interaction);
  world.dispatch('INTERACTION_CREATE', interactionPayload(world, interaction, user, guild, data, locale, message));
  return handleFor(world, interaction);
}

function interactionPayload(world: World, interaction: Interaction, user: SimUser, guild: Guild | undefined, data: Record<string, unknown>, locale?: string, message?: SimMessage) {
  const channel = world.channels.get(interaction.channelId)!;
  const permissions = guild ? world.permissionsOf(guild, user.id) : ALL_PERMISSIONS;
  return {
    id: interaction.id,
    application_id: world.applicationId,
    type: interaction.kind,
    token: interaction.token,
    version: 1,
    data,
    ...(guild
      ? {
          guild_id: guild.id,
          guild: { id: guild.id, locale: guild.preferredLocale, features: [] },
          guild_locale: guild.preferredLocale,
          member: { ...memberPayload(world, guild, user.id), permissions: String(permissions) },
          authorizing_integration_owners: { '0': guild.id },
          context: 0,
        }
      : { user: userPayload(user), authorizing_integration_owners: { '1': user.id }, context: 1 }),
    channel_id: interaction.channelId,
    channel: { ...channelPayload(world, channel), permissions: String(permissions) },
    ...(message ? { message: messagePayload(world, message) } : {}),
    locale: locale ?? user.locale,
    app_permissions: String(guild ? world.permissionsOf(guild, world.botUser.id) : ALL_PERMISSIONS),
    entitlements: [],
    attachment_size_limit: world.uploadLimit,
  };
}

function handleFor(world: World, interaction: Interaction): InteractionHandle {
  const id = interaction.id;
  return {
    id,
    token: interaction.token,
    callbacks: interaction.callbacks,
    deliveredTo: interaction.deliveredTo,
    get failed() {
      return interaction.failed;
    },
    followUps: () =>
      interaction.followUps.flatMap((messageId) => {
        const message = findMessage(world, messageId);
        return message ? [structuredClone(message)] : [];
      }),
    reply: (timeoutMs = 5_000) =>
      world.waitUntil(timeoutMs, `an answer to interaction ${id}`, () => {
        if (interaction.failed) return failure(`interaction ${id} failed: the application did not respond within ${world.deadlineMs} ms`);
        const type = interaction.callbacks[0]?.type;
        if (type === undefined) return undefined;
        const messageId = interaction.responseMessageId;
        const shown = messageId ? findMessage(world, messageId) : undefined;
        // A snapshot: later edits must not change what a test already holds.
        if (type === 4 || type === 7) return shown && structuredClone(shown);
        if (type === 5 || type === 6) return interaction.originalEdited && shown ? structuredClone(shown) : undefined;
        return failure(`interaction ${id} was answered with callback type ${type}, not a message`);
      }),
    modal: (timeoutMs = 5_000) =>
      world.waitUntil(timeoutMs, `a modal answering interaction ${id}`, () => {
        if (interaction.failed) return failure(`interaction ${id} failed: the application did not respond within ${world.deadlineMs} ms`);
        const type = interaction.callbacks[0]?.type;
        if (type === undefined) return undefined;
        return type === 9 && interaction.modal ? structuredClone(interaction.modal) : failure(`interaction ${id} was answered with callback type ${type}, not a modal`);
      }),
  };
}
