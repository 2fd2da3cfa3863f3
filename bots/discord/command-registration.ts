import { type Client, Events, type Guild, Routes } from 'discord.js';
import type { BotContext } from './context.ts';
import { guildCommands } from './command-definitions.ts';

/**
 * Registers the slash commands in every guild the bot joins (a bulk overwrite: idempotent, so
 * a restart changes nothing). Returns the registration of the guilds already present at start,
 * for the ready step.
 */
export function mountCommandRegistration(client: Client, context: BotContext, applicationId: string): (guild: Guild) => Promise<void> {
  const register = async (guild: Guild) => {
    try {
      await client.rest.put(Routes.applicationGuildCommands(applicationId, guild.id), { body: guildCommands });
      context.log.info({ guildId: guild.id }, 'registered guild commands');
    } catch (error) {
      // Typically 50001 Missing Access: the bot was invited without the applications.commands scope.
      context.log.error({ err: error, guildId: guild.id }, 'could not register guild commands');
    }
  };
  client.on(Events.GuildCreate, (guild) => void register(guild));
  return register;
}
