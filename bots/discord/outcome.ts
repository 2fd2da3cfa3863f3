import type { BaseInteraction } from 'discord.js';
import { type Outcome, payloadEncoderFor } from '../../core/dispatch.ts';
import type { BotContext } from './context.ts';
import { type DiscordMessage, fitsCustomId, renderDiscordMessage } from './render.ts';

/** What one bot message may carry (Discord's upload limit without boosts). */
const UPLOAD_LIMIT_BYTES = 25 * 1024 * 1024;
const FILES_PER_MESSAGE = 10;

/**
 * The outcome's reply as a Discord message; payloads too long for a custom_id are stored by core.
 * The reply's files come from Lyceum's store (never a platform URL, which would expire), as many
 * as one message may carry.
 */
export async function renderOutcome(context: BotContext, outcome: Outcome): Promise<DiscordMessage> {
  const message = renderDiscordMessage(outcome.reply, await payloadEncoderFor(context.deps, outcome, fitsCustomId));
  const files: NonNullable<DiscordMessage['files']> = [];
  let total = 0;
  for (const file of (outcome.reply.files ?? []).slice(0, FILES_PER_MESSAGE)) {
    if (total + file.size > UPLOAD_LIMIT_BYTES) break;
    const bytes = await context.deps.files.get(file.sha256);
    if (!bytes) {
      context.log.error({ sha256: file.sha256 }, 'a reply file is missing from the file store');
      continue;
    }
    files.push({ attachment: Buffer.from(bytes), name: file.name });
    total += file.size;
  }
  return files.length ? { ...message, files } : message;
}

/** Refusals are expected (a member without the role, a stale button): logged at info, by code. */
export function logOutcome(context: BotContext, interaction: BaseInteraction, outcome: Outcome): void {
  if (outcome.error) {
    context.log.info({ interactionId: interaction.id, error: outcome.error.code, guildId: interaction.guildId }, 'refused');
  }
}
