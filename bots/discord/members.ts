import { type Client, Events, type GuildMember, type PartialGuildMember } from 'discord.js';
import { handleGuildsConnected, handleMemberRoles, handlePresence } from '../../core/dispatch.ts';
import type { BotContext } from './context.ts';

/**
 * Members joining, leaving and changing roles (the privileged Server Members intent): someone who
 * comes back gets the roles they are still entitled to, since Discord drops roles on leave; every
 * role change is kept, so reconciliation need not list the server again to know who holds what.
 */
export function mountMembers(client: Client, context: BotContext): void {
  client.on(Events.GuildMemberAdd, (member) => void report(context, member, 'joined'));
  client.on(Events.GuildMemberRemove, (member) => void report(context, member, 'left'));
  client.on(Events.GuildMemberUpdate, (_before, member) => void recordRoles(context, member));
  client.once(Events.ClientReady, (ready) => {
    handleGuildsConnected(context.deps, [...ready.guilds.cache.keys()]).catch((error: unknown) => context.log.error({ err: error }, 'could not mark member listings stale'));
  });
}

async function recordRoles(context: BotContext, member: GuildMember): Promise<void> {
  if (member.user.bot) return;
  try {
    const roles = [...member.roles.cache.keys()].filter((id) => id !== member.guild.id);
    await handleMemberRoles(context.deps, { guildId: member.guild.id, userId: member.id, roles });
  } catch (error) {
    context.log.error({ err: error, guildId: member.guild.id }, 'member roles not recorded');
  }
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
