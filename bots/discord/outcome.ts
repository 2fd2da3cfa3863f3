import type { BaseInteraction } from 'discord.js';
import { type Outcome, payloadEncoderFor } from '../../core/dispatch.ts';
import type { BotContext } from './context.ts';
import { type DiscordMessage, fitsCustomId, renderDiscordMessage } from './render.ts';

/** The outcome's reply as a Discord message; payloads too long for a custom_id are stored by core. */
export async function renderOutcome(context: BotContext, outcome: Outcome): Promise<DiscordMessage> {
  return renderDiscordMessage(outcome.reply, await payloadEncoderFor(context.deps, outcome, fitsCustomId));
}

/** Refusals are expected (a member without the role, a stale button): logged at info, by code. */
export function logOutcome(context: BotContext, interaction: BaseInteraction, outcome: Outcome): void {
  if (outcome.error) {
    context.log.info({ interactionId: interaction.id, error: outcome.error.code, guildId: interaction.guildId }, 'refused');
  }
}
