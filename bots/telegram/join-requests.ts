import type { Telegraf } from 'telegraf';
import { handleJoinRequest } from '../../core/dispatch.ts';
import { t, toLocale } from '../../core/i18n/index.ts';
import { type BotContext, callerOf } from './context.ts';
import { htmlOptions } from './replies.ts';
import { renderTelegramMessage } from './render.ts';

/**
 * Paid chats that take join requests: the bot approves members who are entitled, declines
 * everyone else (and tells them, through the short window Telegram opens to `user_chat_id`,
 * where to buy), and leaves chats Lyceum does not sell alone.
 */
export function mountJoinRequests(bot: Telegraf, context: BotContext): void {
  bot.on('chat_join_request', async (ctx) => {
    const request = ctx.chatJoinRequest;
    const decision = await handleJoinRequest(context.deps, { ...callerOf(ctx), spaceId: String(request.chat.id) });
    if (decision.verdict === 'ignore') return;
    if (decision.verdict === 'approve') {
      await ctx.telegram.approveChatJoinRequest(request.chat.id, request.from.id);
      context.log.info({ chatId: request.chat.id }, 'join request approved');
      return;
    }
    // user_chat_id is writable only until the request is processed: explain first, then decline.
    const locale = toLocale(request.from.language_code) ?? 'en';
    const start = `https://t.me/${context.bot.botInfo?.username ?? ''}?start=${decision.communitySlug}`;
    const message = renderTelegramMessage({ ...decision.reply, actions: [{ buttons: [{ label: t(locale, 'telegram.openPrivateChat'), url: start }] }] });
    await ctx.telegram.sendMessage(request.user_chat_id, message.text, htmlOptions(message)).catch((error: unknown) => {
      context.log.info({ err: error, chatId: request.chat.id }, 'could not tell a declined requester why');
    });
    await ctx.telegram.declineChatJoinRequest(request.chat.id, request.from.id);
    context.log.info({ chatId: request.chat.id }, 'join request declined: no entitlement');
  });
}
