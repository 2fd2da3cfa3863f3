import { type ChatInputCommandInteraction, PermissionFlagsBits } from 'discord.js';
import { handleSetup, type Outcome } from '../../core/dispatch.ts';
import { type BotContext, callerOf } from './context.ts';
import { commandInput } from './command-input.ts';

/**
 * `/setup`: links the guild to a community. The space facts come from Discord: the guild's name
 * and whether the caller holds Manage Server here (core refuses everyone else, whatever the
 * command's default permissions were changed to).
 */
export async function runSetup(context: BotContext, interaction: ChatInputCommandInteraction): Promise<Outcome> {
  return handleSetup(
    context.deps,
    callerOf(interaction),
    {
      kind: 'discord_guild',
      title: interaction.guild?.name ?? interaction.guildId ?? '',
      callerIsAdmin: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
    },
    await commandInput(interaction),
  );
}
