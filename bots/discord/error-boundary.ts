import { type Interaction, MessageFlags } from 'discord.js';
import { describeUnexpected } from '../../core/errors.ts';
import { toLocale } from '../../core/i18n/index.ts';
import type { BotContext } from './context.ts';
import { renderDiscordMessage } from './render.ts';

/**
 * The one error boundary of every interaction feature: an unexpected error (a bug, an outage)
 * is logged with the interaction's id and type, and the user gets a short private apology
 * instead of "The application did not respond". Domain refusals never reach here: core
 * returns them as replies.
 */
export function interactionBoundary(
  context: BotContext,
  handle: (interaction: Interaction) => Promise<void>,
): (interaction: Interaction) => void {
  return (interaction) =>
    void handle(interaction).catch((error: unknown) => apologise(context, interaction, error));
}

async function apologise(context: BotContext, interaction: Interaction, error: unknown): Promise<void> {
  context.log.error({ err: error, interactionId: interaction.id, type: interaction.type }, 'interaction failed');
  if (!interaction.isRepliable()) return;
  const apology = renderDiscordMessage(describeUnexpected(toLocale(interaction.locale) ?? 'en'));
  const send = interaction.replied || interaction.deferred ? interaction.followUp.bind(interaction) : interaction.reply.bind(interaction);
  await send({ ...apology, flags: MessageFlags.Ephemeral }).catch((sendError: unknown) =>
    context.log.warn({ err: sendError, interactionId: interaction.id }, 'could not report the failure to the user'),
  );
}
