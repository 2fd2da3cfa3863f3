import type { Context, Telegraf } from 'telegraf';
import type { BotCommand } from 'telegraf/types';
import { type CommandName, isCommandName } from '../../core/commands/index.ts';
import { parseTextOptions } from '../../core/commands/text-options.ts';
import { handleCommand, handleStart } from '../../core/dispatch.ts';
import { threadRef } from '../../core/support/find-ticket.ts';
import { type Locale, type MessageKey, t } from '../../core/i18n/index.ts';
import { type BotContext, callerOf } from './context.ts';
import { answer } from './replies.ts';

const MEMBER_COMMANDS: CommandName[] = ['courses', 'course', 'recommend', 'lesson', 'rate', 'buy', 'my', 'cancel', 'link', 'notifications', 'live', 'privacy', 'help'];
/** Typed by creators and staff; core's RBAC refuses everyone else, the menu only shows them to admins. */
const CREATOR_COMMANDS: CommandName[] = ['product', 'sales', 'refund', 'access', 'grant', 'revoke', 'settings', 'tickets', 'claim', 'handback', 'close', 'faq', 'review', 'comment', 'drip', 'announce', 'coupon', 'stats', 'dashboard', 'audit'];
/** Typed in a ticket's forum topic, these act on that ticket. */
const TICKET_COMMANDS = new Set<CommandName>(['claim', 'handback', 'close']);

/** /start, the member and creator commands as text (`/courses python`, `/buy@lyceum_bot pro`). */
export function mountCommands(bot: Telegraf, context: BotContext): void {
  bot.start((ctx) =>
    ctx.chat.type === 'private'
      ? answer(context, ctx, handleStart(context.deps, callerOf(ctx), ctx.payload || undefined))
      : answer(context, ctx, handleCommand(context.deps, callerOf(ctx), 'help', {})),
  );
  bot.command([...MEMBER_COMMANDS, ...CREATOR_COMMANDS], async (ctx) => {
    const name = ctx.command.toLowerCase();
    if (!isCommandName(name)) return;
    const options: Record<string, unknown> = parseTextOptions(name, ctx.payload);
    const thread = (ctx.message as { message_thread_id?: number; is_topic_message?: boolean }).is_topic_message ? ctx.message.message_thread_id : undefined;
    if (thread && TICKET_COMMANDS.has(name) && options.ticket === undefined) options.thread = threadRef(String(ctx.chat.id), String(thread));
    if (name === 'settings' && options.support_chat === 'here') Object.assign(options, await staffGroupFacts(ctx));
    return answer(context, ctx, handleCommand(context.deps, callerOf(ctx), name, options));
  });
}

/**
 * `/settings support_chat:here` in the staff group: its id, and what would stop tickets from
 * getting topics there (Topics off, or the bot not an admin who may manage them).
 */
async function staffGroupFacts(ctx: Context): Promise<Record<string, string>> {
  const chat = ctx.chat!;
  const isForum = chat.type === 'supergroup' && (chat as { is_forum?: boolean }).is_forum === true;
  const me = await ctx.telegram.getChatMember(chat.id, ctx.botInfo.id);
  const canManage = me.status === 'creator' || (me.status === 'administrator' && me.can_manage_topics === true);
  return { support_chat: String(chat.id), ...(!isForum ? { support_chatBlocked: 'not_forum' } : !canManage ? { support_chatBlocked: 'no_topic_rights' } : {}) };
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
