import type { Telegraf } from 'telegraf';
import { parseTextOptions } from '../../core/commands/text-options.ts';
import { handleSetup } from '../../core/dispatch.ts';
import { type BotContext, callerOf } from './context.ts';
import { answer } from './replies.ts';

/** `/setup` in a group: links it to a community; the platform says whether the caller is an admin. */
export function mountSetup(bot: Telegraf, context: BotContext): void {
  bot.command('setup', async (ctx) => {
    const caller = callerOf(ctx);
    const chat = ctx.chat;
    const inGroup = chat.type === 'group' || chat.type === 'supergroup';
    const status = inGroup ? (await ctx.telegram.getChatMember(chat.id, ctx.from.id)).status : undefined;
    const facts = {
      kind: chat.type === 'supergroup' ? ('telegram_supergroup' as const) : ('telegram_group' as const),
      title: 'title' in chat ? chat.title : '',
      callerIsAdmin: status === 'creator' || status === 'administrator',
    };
    await answer(context, ctx, handleSetup(context.deps, caller, facts, parseTextOptions('setup', ctx.payload)));
  });
}
