import { type Client, Events, MessageFlags, type MessageComponentInteraction } from 'discord.js';
import { handleAction } from '../../core/dispatch.ts';
import { type BotContext, callerOf } from './context.ts';
import { withinDeadline } from './deadline.ts';
import { interactionBoundary } from './error-boundary.ts';
import { logOutcome, renderOutcome } from './outcome.ts';
import { actionPayload, isPrivateReply } from './render.ts';
import { modalFor, withFormAsCommand } from './forms.ts';

/** Buttons and select options: the custom_id (or chosen value) is an untrusted action payload for core. */
export function mountComponents(client: Client, context: BotContext): void {
  client.on(
    Events.InteractionCreate,
    interactionBoundary(context, async (interaction) => {
      if (interaction.isButton() || interaction.isStringSelectMenu()) await pressComponent(context, interaction);
    }),
  );
}

/**
 * The message is updated in place, except that errors (a forged or stale payload) and private
 * answers to a public message (a checkout, a listing) come as a new ephemeral message, so they
 * never replace what the rest of the channel sees.
 */
async function pressComponent(context: BotContext, interaction: MessageComponentInteraction): Promise<void> {
  const values = interaction.isStringSelectMenu() ? interaction.values : undefined;
  const payload = actionPayload(interaction.customId, values);
  const { outcome, deferred } = await withinDeadline(
    context,
    handleAction(context.deps, callerOf(interaction), payload),
    () => interaction.deferUpdate(),
  );
  logOutcome(context, interaction, outcome);
  // Over a rate limit after the one "slow down": the press is not answered.
  if (outcome.silent) return;
  const modal = await modalFor(context, outcome, deferred);
  if (modal) {
    await interaction.showModal(modal);
    return;
  }
  const message = await renderOutcome(context, withFormAsCommand(outcome));
  const onPublicMessage = !interaction.message.flags.has(MessageFlags.Ephemeral);
  const separate = Boolean(outcome.error) || outcome.reply.separate === true || (onPublicMessage && isPrivateReply(outcome.reply));
  if (separate) {
    const send = deferred ? interaction.followUp.bind(interaction) : interaction.reply.bind(interaction);
    await send({ ...message, flags: MessageFlags.Ephemeral });
  } else if (deferred) {
    await interaction.editReply(message);
  } else {
    await interaction.update(message);
  }
}
