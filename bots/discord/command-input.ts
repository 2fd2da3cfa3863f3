import {
  ApplicationCommandOptionType,
  type ChatInputCommandInteraction,
  ChannelType,
  type CommandInteractionOption,
  type Guild,
  PermissionFlagsBits,
} from 'discord.js';
import { DEFAULT_UPLOAD_LIMITS } from '../../core/files/upload-policy.ts';
import { threadRef } from '../../core/support/find-ticket.ts';
import { type RoleBlocked, whyRoleBlocked } from './role-hierarchy.ts';

/**
 * A slash command's options as the plain input core parses: `{ name: value }`, with a
 * subcommand as `action` (`/product create name:X` -> `{ action: 'create', name: 'X' }`). A role
 * option becomes `"<guild id>/<role id>"` plus `<option>Blocked` when the bot could not manage
 * that role, judged from the guild's facts; core decides what to say about it. A user option
 * also sends `<option>User` (username, display name, bot) from Discord's resolved data. Still untrusted:
 * core validates it with zod.
 */
export async function commandInput(interaction: ChatInputCommandInteraction): Promise<Record<string, unknown>> {
  const [first] = interaction.options.data;
  const subcommand = first?.type === ApplicationCommandOptionType.Subcommand ? first : undefined;
  const input: Record<string, unknown> = subcommand ? { action: subcommand.name } : {};
  for (const option of subcommand ? (subcommand.options ?? []) : interaction.options.data) {
    if (option.type === ApplicationCommandOptionType.Role) Object.assign(input, await roleInput(interaction, option));
    else if (option.type === ApplicationCommandOptionType.Attachment && option.attachment) input[option.name] = await downloadAttachment(option.attachment.url, option.attachment.name);
    else if (option.type === ApplicationCommandOptionType.Channel) Object.assign(input, channelInput(interaction, option));
    else input[option.name] = option.value;
    // Who a user option picked, so core can welcome someone who never used the bot (a gift).
    if (option.type === ApplicationCommandOptionType.User && option.user) {
      input[`${option.name}User`] = { username: option.user.username, displayName: option.member && 'displayName' in option.member ? option.member.displayName : (option.user.globalName ?? option.user.username), bot: option.user.bot };
    }
  }
  if (TICKET_COMMANDS.has(interaction.commandName) && input.ticket === undefined && interaction.channel?.isThread()) input.thread = threadRef(interaction.guildId!, interaction.channelId);
  // A Discord integer option cannot say "none": 0 removes a product's Stars price.
  if (interaction.commandName === 'product' && input.action === 'edit' && input.stars === 0) input.stars = 'none';
  return input;
}

/**
 * An attachment option's bytes, fetched now: Discord's attachment URLs expire, so Lyceum keeps
 * its own copy (core stores it). At most one byte past the upload limit is read, enough for core
 * to refuse the file as too large without holding more of it.
 */
async function downloadAttachment(url: string, name: string): Promise<{ name: string; bytes: Uint8Array }> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`attachment download failed: HTTP ${response.status}`);
  const limit = DEFAULT_UPLOAD_LIMITS.maxBytes + 1;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk.subarray(0, limit - size));
    size += Math.min(chunk.byteLength, limit - size);
    if (size >= limit) break;
  }
  return { name, bytes: Buffer.concat(chunks) };
}

/** Typed in a ticket's private thread, these act on that ticket. */
const TICKET_COMMANDS = new Set(['claim', 'handback', 'close']);
/** What the bot needs in the staff channel to open a private thread per ticket and post in it. */
const THREAD_RIGHTS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.CreatePrivateThreads, PermissionFlagsBits.SendMessagesInThreads];

/** What the bot needs in the announcement channel to post there. */
const POST_RIGHTS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks];

/**
 * A channel option as `"<guild id>/<channel id>"`, plus `<option>Blocked` when the bot cannot do
 * there what the option is for: open ticket threads (a text channel), post announcements (a
 * text or announcement channel), or hold a live session (a voice or stage channel).
 */
function channelInput(interaction: ChatInputCommandInteraction, option: CommandInteractionOption): Record<string, string> {
  const value = { [option.name]: `${interaction.guildId}/${String(option.value)}` };
  const channel = interaction.guild?.channels.cache.get(String(option.value));
  const me = interaction.guild?.members.me;
  if (!channel || !me) return value;
  if (option.name === 'voice_channel') return channel.type === ChannelType.GuildVoice || channel.type === ChannelType.GuildStageVoice ? value : { ...value, [`${option.name}Blocked`]: 'not_voice' };
  const announcements = option.name === 'announcement_channel';
  const types: ChannelType[] = announcements ? [ChannelType.GuildText, ChannelType.GuildAnnouncement] : [ChannelType.GuildText];
  if (!types.includes(channel.type)) return { ...value, [`${option.name}Blocked`]: 'not_text' };
  if (announcements) return me.permissionsIn(channel).has(POST_RIGHTS) ? value : { ...value, [`${option.name}Blocked`]: 'no_send_rights' };
  return me.permissionsIn(channel).has(THREAD_RIGHTS) ? value : { ...value, [`${option.name}Blocked`]: 'no_thread_rights' };
}

async function roleInput(interaction: ChatInputCommandInteraction, option: CommandInteractionOption): Promise<Record<string, string>> {
  const roleId = String(option.value);
  const value = { [option.name]: `${interaction.guildId}/${roleId}` };
  // Without the guild in cache there are no facts to judge by; the access worker reports later.
  const blocked = interaction.guild ? await roleBlockedIn(interaction.guild, roleId) : undefined;
  return blocked ? { ...value, [`${option.name}Blocked`]: blocked } : value;
}

/** Why the bot could not give members `roleId` in `guild`, from its cache (kept fresh by gateway events). */
async function roleBlockedIn(guild: Guild, roleId: string): Promise<RoleBlocked | undefined> {
  const role = guild.roles.cache.get(roleId) ?? (await guild.roles.fetch(roleId));
  const me = guild.members.me ?? (await guild.members.fetchMe());
  if (!role) return undefined;
  const highest = me.roles.highest;
  return whyRoleBlocked({
    guildId: guild.id,
    role: { id: role.id, position: role.position, managed: role.managed },
    botHighest: { id: highest.id, position: highest.position, managed: highest.managed },
    botCanManageRoles: me.permissions.has(PermissionFlagsBits.ManageRoles),
    botOwnsGuild: guild.ownerId === me.id,
  });
}
