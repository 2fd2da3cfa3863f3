import type { Telegraf } from 'telegraf';
import { handleChatMigration } from '../../core/dispatch.ts';
import { t, toLocale } from '../../core/i18n/index.ts';
import type { BotContext } from './context.ts';

/** The bot joining a group, and a group becoming a supergroup. */
export function mountChats(bot: Telegraf, context: BotContext): void {
  // Added to a group: tell whoever added the bot what to do next.
  bot.on('my_chat_member', async (ctx) => {
    const { chat, from, old_chat_member: before, new_chat_member: after } = ctx.myChatMember;
    const joined = ['left', 'kicked'].includes(before.status) && ['member', 'administrator'].includes(after.status);
    if (!joined || chat.type === 'private' || chat.type === 'channel') return;
    await ctx.telegram.sendMessage(chat.id, t(toLocale(from.language_code) ?? 'en', 'telegram.addedToGroup'));
  });
  // A group upgraded to a supergroup: its grants follow it to the new id.
  bot.on('message', async (ctx, next) => {
    const message = ctx.message as { migrate_to_chat_id?: number; migrate_from_chat_id?: number };
    const change = message.migrate_to_chat_id
      ? { fromChatId: String(ctx.chat.id), toChatId: String(message.migrate_to_chat_id) }
      : message.migrate_from_chat_id
        ? { fromChatId: String(message.migrate_from_chat_id), toChatId: String(ctx.chat.id) }
        : undefined;
    if (!change) return next();
    const { moved } = await handleChatMigration(context.deps, change);
    if (moved) context.log.info(change, 'group upgraded to a supergroup; its space and grants moved');
  });
}
