/** Stored messages: creating them from validated bodies, editing, finding, and who may see them. */
import type { z } from 'zod';
import type { UploadedFile } from './body.ts';
import { pings } from './mentions.ts';
import { EPHEMERAL, type Interaction, LOADING } from './model.ts';
import { messageCreatePayload } from './payloads.ts';
import type { World } from './state.ts';
import type { AllowedMentions, SimMessage, SimUser } from './types.ts';
import { attachFiles, dropFiles } from './uploads.ts';
import type { messageBody } from './validation.ts';
import { ApiError } from './wire.ts';

export type MessageInput = Omit<SimMessage, 'id' | 'channelId' | 'ephemeral'>;

/**
 * A bot message from a validated body: its uploaded files stored (see uploads.ts), the request's
 * `allowed_mentions` recorded, its pings decided from them, a reply's reference kept.
 */
export function fromBody(world: World, channelId: string, data: z.infer<typeof messageBody>, options: { interaction?: Interaction; files?: UploadedFile[]; prefix?: Array<string | number> } = {}): MessageInput {
  const { interaction, files = [], prefix = [] } = options;
  const flags = data.flags ?? 0;
  const replied = data.message_reference ? (world.messages.get(channelId) ?? []).find((message) => message.id === data.message_reference!.message_id) : undefined;
  const attachments = attachFiles(world, channelId, data.attachments, files, [], prefix);
  return {
    authorId: world.botUser.id,
    content: data.content ?? '',
    embeds: data.embeds ?? [],
    components: data.components ?? [],
    flags,
    ...(attachments?.length ? { attachments } : {}),
    ...botMentions(world, channelId, data.content ?? '', data.allowed_mentions ?? null, replied?.authorId),
    ...(replied ? { reference: { channelId, messageId: replied.id } } : {}),
    ...(interaction ? { interactionId: interaction.id } : {}),
    ...(interaction && flags & EPHEMERAL ? { visibleTo: interaction.userId } : {}),
  };
}

/** The mention fields of a bot message: what pings, as the message object reports it (known users, the guild's roles). */
function botMentions(world: World, channelId: string, content: string, allowed: AllowedMentions | null, repliedAuthor?: string) {
  const guild = world.guilds.get(world.channels.get(channelId)?.guild_id ?? '');
  const result = pings(content, allowed, repliedAuthor);
  return {
    allowedMentions: allowed,
    mentions: result.users.filter((id) => id === world.botUser.id || world.users.has(id)),
    mentionRoles: guild ? result.roles.filter((id) => guild.roles.has(id) && id !== guild.id) : [],
    mentionEveryone: Boolean(guild) && result.everyone,
  };
}

export function storeMessage(world: World, channelId: string, input: MessageInput): SimMessage {
  const message: SimMessage = { id: world.snowflake(), channelId, ...input, ephemeral: Boolean(input.flags & EPHEMERAL) };
  const list = world.messages.get(channelId) ?? [];
  list.push(message);
  world.messages.set(channelId, list);
  world.changed();
  return message;
}

/** MESSAGE_CREATE, unless the bot cannot see the channel (a private thread it is not in). */
export function dispatchMessage(world: World, message: SimMessage): void {
  const channel = world.channels.get(message.channelId);
  if (channel && !world.canView(channel, world.botUser.id)) return;
  world.dispatch('MESSAGE_CREATE', messageCreatePayload(world, message));
}

/**
 * The users and roles a message mentions: `<@id>` / `<@!id>` of known users (and the bot),
 * `<@&id>` of the guild's roles; a pinging reply mentions the replied-to author too.
 */
export function mentionsIn(world: World, content: string, guildId: string, repliedAuthor?: string): { mentions: string[]; mentionRoles: string[] } {
  const users = [...content.matchAll(/<@!?(\d{15,21})>/g)].map((match) => match[1]!);
  const roles = [...content.matchAll(/<@&(\d{15,21})>/g)].map((match) => match[1]!);
  const known = (id: string) => id === world.botUser.id || world.users.has(id);
  return {
    mentions: [...new Set([...users, ...(repliedAuthor ? [repliedAuthor] : [])])].filter(known),
    mentionRoles: [...new Set(roles)].filter((id) => world.guild(guildId).roles.has(id) && id !== guildId),
  };
}

/** Applies an edit (`files`: its uploads; `prefix`: where its fields sit in the request, for errors). */
export function editMessage(world: World, messageId: string, data: z.infer<typeof messageBody>, files: UploadedFile[] = [], prefix: Array<string | number> = []): void {
  const message = findMessage(world, messageId);
  if (!message) throw new ApiError(404, { message: 'Unknown Message', code: 10008 });
  const attachments = attachFiles(world, message.channelId, data.attachments, files, message.attachments, prefix);
  if (data.content !== undefined) message.content = data.content;
  if (data.embeds !== undefined) message.embeds = data.embeds;
  if (data.components !== undefined) message.components = data.components;
  if (attachments) {
    dropFiles(world, message.attachments, attachments);
    message.attachments = attachments;
  }
  Object.assign(message, botMentions(world, message.channelId, message.content, data.allowed_mentions ?? null, message.reference?.messageId ? findMessage(world, message.reference.messageId)?.authorId : undefined));
  message.flags &= ~LOADING;
  if (!message.content && !message.embeds.length && !message.components.length && !message.attachments?.length) {
    throw new ApiError(400, { message: 'Cannot send an empty message', code: 50006 });
  }
  message.editedAt = Date.now();
  world.changed();
}

export function deleteMessage(world: World, message: SimMessage): void {
  const list = world.messages.get(message.channelId)!;
  list.splice(list.indexOf(message), 1);
  dropFiles(world, message.attachments);
  world.changed();
}

export function findMessage(world: World, messageId: string): SimMessage | undefined {
  for (const list of world.messages.values()) {
    const found = list.find((message) => message.id === messageId);
    if (found) return found;
  }
  return undefined;
}

/** A non-ephemeral message in a channel, or Discord's 10008 (ephemeral messages have no channel route). */
export function messageIn(world: World, channelId: string, messageId: string): SimMessage {
  world.channel(channelId);
  const message = (world.messages.get(channelId) ?? []).find((candidate) => candidate.id === messageId);
  if (!message || message.ephemeral) throw new ApiError(404, { message: 'Unknown Message', code: 10008 });
  return message;
}

/** The current state of a message the user is looking at; throws if it is gone or not theirs to see. */
export function visibleMessage(world: World, user: SimUser, message: SimMessage): SimMessage {
  const current = findMessage(world, message.id);
  if (!current) throw new Error(`discord sim: message ${message.id} is gone`);
  if (current.visibleTo && current.visibleTo !== user.id) throw new Error(`discord sim: ${user.username} cannot see ephemeral message ${message.id}`);
  return current;
}
