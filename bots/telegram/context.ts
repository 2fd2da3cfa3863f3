import type { Logger } from 'pino';
import type { Context, Telegraf } from 'telegraf';
import type { CommandDeps } from '../../core/commands/index.ts';
import type { Outcome } from '../../core/dispatch.ts';
import { type Locale, toLocale } from '../../core/i18n/index.ts';
import type { Caller } from '../../core/members/actor.ts';

/** What every feature of the bot shares: core's dependencies, the logger, the bot itself. */
export type BotContext = { deps: CommandDeps; log: Logger; bot: Telegraf };

/** The platform-verified sender of an update, and the group it came from (none in private). */
export function callerOf(ctx: Context): Caller {
  const from = ctx.from;
  const chat = ctx.chat ?? ctx.callbackQuery?.message?.chat;
  if (!from) throw new Error('update without a sender');
  const pressed = ctx.callbackQuery?.message;
  return {
    platform: 'telegram',
    userId: String(from.id),
    displayName: [from.first_name, from.last_name].filter(Boolean).join(' '),
    username: from.username,
    locale: from.language_code,
    spaceId: chat && chat.type !== 'private' ? String(chat.id) : undefined,
    pressed: pressed ? { chatId: String(pressed.chat.id), messageId: String(pressed.message_id) } : undefined,
  };
}

export const localeOf = (ctx: Context, outcome?: Outcome): Locale =>
  outcome?.actor?.locale ?? toLocale(ctx.from?.language_code) ?? 'en';
