import { type ChatInputCommandInteraction, type Client, Events, MessageFlags } from 'discord.js';
import { isCommandName } from '../../core/commands/index.ts';
import { handleCommand, type Outcome } from '../../core/dispatch.ts';
import { describeUnexpected } from '../../core/errors.ts';
import { toLocale } from '../../core/i18n/index.ts';
import { commandInput } from './command-input.ts';
import { type BotContext, callerOf } from './context.ts';
import { withinDeadline } from './deadline.ts';
import { interactionBoundary } from './error-boundary.ts';
import { logOutcome, renderOutcome } from './outcome.ts';
import { isPrivateReply } from './render.ts';
import { runSetup } from './setup.ts';
import { modalFor, withFormAsCommand } from './forms.ts';

/** Answered in the open unless the reply itself is private: a course card others may open too. */
const PUBLIC_COMMANDS: ReadonlySet<string> = new Set(['course show']);
/** Money and purchases: only the caller ever sees these, whatever the reply says. */
const PRIVATE_COMMANDS: ReadonlySet<string> = new Set(['buy', 'my', 'cancel', 'link', 'sales', 'refund', 'product', 'access', 'grant', 'revoke', 'settings', 'lesson', 'review', 'rate', 'comment', 'drip', 'notifications']);

/** Guild slash commands: options -> core command -> the reply, in time for Discord's 3 s deadline. */
export function mountSlashCommands(client: Client, context: BotContext): void {
  client.on(
    Events.InteractionCreate,
    interactionBoundary(context, async (interaction) => {
      if (interaction.isChatInputCommand()) await runSlashCommand(context, interaction);
    }),
  );
}

async function runSlashCommand(context: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const name = interaction.commandName;
  // Decide before deferring, since the deferral fixes who sees the answer.
  const deferPrivately = !PUBLIC_COMMANDS.has(`${name} ${interaction.options.getSubcommand(false) ?? ''}`.trim());
  const { outcome, deferred } = await withinDeadline(context, startCommand(context, interaction), () =>
    interaction.deferReply(deferPrivately ? { flags: MessageFlags.Ephemeral } : {}),
  );
  logOutcome(context, interaction, outcome);
  // Over a rate limit after the one "slow down": no answer at all (a slow deferral is taken back).
  if (outcome.silent) {
    if (deferred) await interaction.deleteReply();
    return;
  }
  const modal = await modalFor(context, outcome, deferred);
  if (modal) {
    await interaction.showModal(modal);
    return;
  }
  const message = await renderOutcome(context, withFormAsCommand(outcome));
  const secret = isPrivateReply(outcome.reply) || PRIVATE_COMMANDS.has(name);
  if (!deferred) {
    await interaction.reply({ ...message, ...(secret ? { flags: MessageFlags.Ephemeral } : {}) });
  } else if (secret && !deferPrivately) {
    // The public "thinking..." cannot turn private: replace it with an ephemeral follow-up.
    await interaction.deleteReply();
    await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
  } else {
    await interaction.editReply(message);
  }
}

async function startCommand(context: BotContext, interaction: ChatInputCommandInteraction): Promise<Outcome> {
  const name = interaction.commandName;
  if (name === 'setup') return runSetup(context, interaction);
  if (!isCommandName(name)) return { reply: describeUnexpected(toLocale(interaction.locale) ?? 'en') };
  return handleCommand(context.deps, callerOf(interaction), name, await commandInput(interaction));
}
