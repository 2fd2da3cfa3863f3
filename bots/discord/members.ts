import { type Client, Events, type GuildMember, type PartialGuildMember } from 'discord.js';
import { handlePresence } from '../../core/dispatch.ts';
import type { BotContext } from './context.ts';

/**
 * Members joining and leaving a server (the privileged Server Members intent): someone who comes
 * back gets the roles they are still entitled to, since Discord drops roles on leave.
 */
export function mountMembers(client: Client, context: BotContext): void {
  client.on(Events.GuildMemberAdd, (member) => void report(context, member, 'joined'));
  client.on(Events.GuildMemberRemove, (member) => void report(context, member, 'left'));
}

async function report(context: BotContext, member: GuildMember | PartialGuildMember, change: 'joined' | 'left'): Promise<void> {
  if (member.user.bot) return;
  try {
    const caller = {
      platform: 'discord' as const,
      userId: member.id,
      displayName: member.user.globalName ?? member.user.username,
      username: member.user.username,
      spaceId: member.guild.id,
    };
    const { enqueued } = await handlePresence(context.deps, { caller, change });
    if (enqueued) context.log.info({ guildId: member.guild.id, enqueued }, 'member back: roles queued to be applied again');
  } catch (error) {
    context.log.error({ err: error, guildId: member.guild.id }, 'member presence failed');
  }
}
