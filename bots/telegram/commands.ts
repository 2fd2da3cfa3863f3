import type { Telegraf } from 'telegraf';
import type { BotCommand } from 'telegraf/types';
import { type CommandName, isCommandName } from '../../core/commands/index.ts';
import { parseTextOptions } from '../../core/commands/text-options.ts';
import { handleCommand, handleStart } from '../../core/dispatch.ts';
import { type Locale, type MessageKey, t } from '../../core/i18n/index.ts';
import { type BotContext, callerOf } from './context.ts';
import { answer } from './replies.ts';

const MEMBER_COMMANDS: CommandName[] = ['courses', 'course', 'buy', 'my', 'cancel', 'link', 'help'];
/** Typed by creators and staff; core's RBAC refuses everyone else, the menu only shows them to admins. */
const CREATOR_COMMANDS: CommandName[] = ['product', 'sales', 'refund', 'access', 'grant', 'revoke', 'settings', 'tickets'];

/** /start, the member and creator commands as text (`/courses python`, `/buy@lyceum_bot pro`). */
export function mountCommands(bot: Telegraf, context: BotContext): void {
  bot.start((ctx) =>
    ctx.chat.type === 'private'
      ? answer(context, ctx, handleStart(context.deps, callerOf(ctx), ctx.payload || undefined))
      : answer(context, ctx, handleCommand(context.deps, callerOf(ctx), 'help', {})),
  );
  bot.command([...MEMBER_COMMANDS, ...CREATOR_COMMANDS], (ctx) => {
    const name = ctx.command.toLowerCase();
    if (!isCommandName(name)) return;
    return answer(context, ctx, handleCommand(context.deps, callerOf(ctx), name, parseTextOptions(name, ctx.payload)));
  });
}

/** The command menu, per language; group admins also see /setup and the creator commands. */
export async function publishCommands(bot: Telegraf): Promise<void> {
  const describe = (locale: Locale, names: string[]): BotCommand[] =>
    names.map((command) => ({ command, description: t(locale, `command.${command}` as MessageKey) }));
  for (const [locale, languageCode] of [['en', undefined], ['zh', 'zh']] as const) {
    const language = languageCode ? { language_code: languageCode } : {};
    await bot.telegram.setMyCommands(describe(locale, MEMBER_COMMANDS), { scope: { type: 'default' }, ...language });
    await bot.telegram.setMyCommands(describe(locale, [...MEMBER_COMMANDS, ...CREATOR_COMMANDS, 'setup']), {
      scope: { type: 'all_chat_administrators' },
      ...language,
    });
  }
}
