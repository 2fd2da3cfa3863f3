import type { Telegraf } from 'telegraf';
import { handleMessage, handleStaffMessage } from '../../core/dispatch.ts';
import { type BotContext, callerOf } from './context.ts';
import { answer } from './replies.ts';

type TextMessage = { message_id: number; text: string; message_thread_id?: number; is_topic_message?: boolean; reply_to_message?: { from?: { id: number } } };

/**
 * Free text: in a private chat it goes to the support assistant; in a ticket's forum topic it is
 * staff answering that ticket; anywhere else in a group the assistant answers only when addressed (an @mention of the bot, or a reply to one of its messages).
 */
export function mountSupport(bot: Telegraf, context: BotContext): void {
  bot.on('text', async (ctx) => {
    const message = ctx.message as TextMessage;
    if (message.text.startsWith('/')) return;
    const messageId = `${ctx.chat.id}:${message.message_id}`;
    if (ctx.chat.type === 'private') return answer(context, ctx, handleMessage(context.deps, callerOf(ctx), message.text, messageId));
    if (message.is_topic_message && message.message_thread_id) {
      const caller = { ...callerOf(ctx), spaceId: String(ctx.chat.id) };
      const outcome = await handleStaffMessage(context.deps, caller, { thread: String(message.message_thread_id), text: message.text, platformMessageId: messageId });
      if (outcome) return answer(context, ctx, Promise.resolve(outcome));
    }
    const username = ctx.botInfo?.username;
    const mention = username ? new RegExp(`@${username}\\b`, 'i') : undefined;
    const addressed = (mention && mention.test(message.text)) || message.reply_to_message?.from?.id === ctx.botInfo?.id;
    if (!addressed) return;
    const text = mention ? message.text.replace(mention, '').trim() : message.text;
    return answer(context, ctx, handleMessage(context.deps, callerOf(ctx), text || message.text, messageId));
  });
}
