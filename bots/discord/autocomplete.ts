import { type AutocompleteInteraction, type Client, Events } from 'discord.js';
import { handleSuggest } from '../../core/dispatch.ts';
import { type BotContext, callerOf } from './context.ts';
import { interactionBoundary } from './error-boundary.ts';

/**
 * Autocomplete for options registered with `autocomplete: true`: core suggests what the caller
 * may see (course names, categories); an unlinked guild or unknown option gets no choices.
 */
export function mountAutocomplete(client: Client, context: BotContext): void {
  client.on(
    Events.InteractionCreate,
    interactionBoundary(context, async (interaction) => {
      if (interaction.isAutocomplete()) await suggestChoices(context, interaction);
    }),
  );
}

async function suggestChoices(context: BotContext, interaction: AutocompleteInteraction): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const choices = await handleSuggest(context.deps, callerOf(interaction), {
    command: interaction.commandName,
    option: focused.name,
    value: String(focused.value),
  });
  await interaction.respond(choices);
}
