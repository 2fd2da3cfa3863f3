import type { BaseInteraction } from 'discord.js';
import { type Outcome, payloadEncoderFor } from '../../core/dispatch.ts';
import { t } from '../../core/i18n/index.ts';
import type { BotContext } from './context.ts';
import { type DiscordMessage, fitsCustomId, renderDiscordMessage } from './render.ts';

/** What one bot message may carry: Discord's default upload limit (10 MiB), kept for the whole message. */
const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;
const FILES_PER_MESSAGE = 10;

/**
 * The outcome's reply as a Discord message; payloads too long for a custom_id are stored by core.
 * The reply's files come from Lyceum's store (never a platform URL, which would expire), as many
 * as one message may carry.
 */
export async function renderOutcome(context: BotContext, outcome: Outcome): Promise<DiscordMessage> {
  const message = renderDiscordMessage(outcome.reply, await payloadEncoderFor(context.deps, outcome, fitsCustomId));
  const files: NonNullable<DiscordMessage['files']> = [];
  const left: string[] = [];
  let total = 0;
  for (const file of outcome.reply.files ?? []) {
    if (files.length >= FILES_PER_MESSAGE || total + file.size > UPLOAD_LIMIT_BYTES) {
      left.push(file.name);
      continue;
    }
    const bytes = await context.deps.files.get(file.sha256);
    if (!bytes) {
      context.log.error({ sha256: file.sha256 }, 'a reply file is missing from the file store');
      continue;
    }
    files.push({ attachment: Buffer.from(bytes), name: file.name });
    total += file.size;
  }
  // A file Discord cannot carry is named, never silently dropped: Telegram and the console still deliver it.
  const note = left.length ? t(outcome.actor?.locale ?? 'en', 'discord.filesTooLarge', { files: left.join(', ') }) : undefined;
  const withNote = note ? { ...message, content: [message.content, note].filter(Boolean).join('\n') } : message;
  return files.length ? { ...withNote, files } : withNote;
}

/** Refusals are expected (a member without the role, a stale button): logged at info, by code. */
export function logOutcome(context: BotContext, interaction: BaseInteraction, outcome: Outcome): void {
  if (outcome.error) {
    context.log.info({ interactionId: interaction.id, error: outcome.error.code, guildId: interaction.guildId }, 'refused');
  }
}
