import {
  type APIModalInteractionResponseCallbackData,
  type Client,
  ComponentType,
  Events,
  MessageFlags,
  type ModalSubmitInteraction,
  TextInputStyle,
} from 'discord.js';
import { handleForm, type Outcome, payloadEncoderFor } from '../../core/dispatch.ts';
import { formAsCommand } from '../../core/forms/form-command.ts';
import { truncate } from '../../core/reply.ts';
import { type BotContext, callerOf } from './context.ts';
import { withinDeadline } from './deadline.ts';
import { interactionBoundary } from './error-boundary.ts';
import { logOutcome, renderOutcome } from './outcome.ts';
import { fitsCustomId } from './render.ts';

const MODAL_TITLE = 45;
const INPUT_LABEL = 45;
const INPUT_VALUE = 4000;
const INPUTS_PER_MODAL = 5;

/**
 * The reply's form as a modal, when the interaction can still open one (not deferred: Discord
 * allows a modal only as the first response). Files are not modal inputs here: Discord takes
 * them as command options. Undefined when there is no form or no modal can be shown.
 */
export async function modalFor(context: BotContext, outcome: Outcome, deferred: boolean): Promise<APIModalInteractionResponseCallbackData | undefined> {
  const form = outcome.reply.form;
  if (!form || deferred) return undefined;
  const encode = await payloadEncoderFor(context.deps, outcome, fitsCustomId);
  const inputs = form.inputs.filter((input) => input.style !== 'file').slice(0, INPUTS_PER_MODAL);
  return {
    custom_id: encode(form.submit),
    title: truncate(form.title, MODAL_TITLE),
    components: inputs.map((input) => ({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.TextInput,
          custom_id: input.key,
          label: truncate(input.label, INPUT_LABEL),
          style: input.style === 'paragraph' ? TextInputStyle.Paragraph : TextInputStyle.Short,
          required: input.required,
          max_length: Math.min(input.maxLength, INPUT_VALUE),
          ...(input.minLength ? { min_length: input.minLength } : {}),
          ...(input.value ? { value: truncate(input.value, Math.min(input.maxLength, INPUT_VALUE)) } : {}),
        },
      ],
    })),
  };
}

/** Where no modal can open, the form is answered by the command that fills it in. */
export function withFormAsCommand(outcome: Outcome): Outcome {
  const form = outcome.reply.form;
  if (!form) return outcome;
  return { ...outcome, reply: { ...outcome.reply, form: undefined, body: [outcome.reply.body, formAsCommand(form)].filter(Boolean).join('\n') } };
}

/** A submitted modal: its answers go to core as the form's command options, validated and authorised there. */
export function mountForms(client: Client, context: BotContext): void {
  client.on(
    Events.InteractionCreate,
    interactionBoundary(context, async (interaction) => {
      if (interaction.isModalSubmit()) await submitModal(context, interaction);
    }),
  );
}

async function submitModal(context: BotContext, interaction: ModalSubmitInteraction): Promise<void> {
  const answers = Object.fromEntries(interaction.fields.fields.filter((field) => field.type === ComponentType.TextInput).map((field) => [field.customId, field.value]));
  const { outcome, deferred } = await withinDeadline(context, handleForm(context.deps, callerOf(interaction), interaction.customId, answers), () => interaction.deferReply({ flags: MessageFlags.Ephemeral }));
  logOutcome(context, interaction, outcome);
  // A modal cannot answer a modal: a follow-up form comes as its command.
  const message = await renderOutcome(context, withFormAsCommand(outcome));
  if (deferred) await interaction.editReply(message);
  else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
}
