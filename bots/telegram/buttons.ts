import { type Context, type Telegraf, TelegramError } from 'telegraf';
import { asChatForm, handleAction } from '../../core/dispatch.ts';
import { sendReplyFiles } from './files.ts';
import { t } from '../../core/i18n/index.ts';
import { type BotContext, callerOf, localeOf } from './context.ts';
import { alertText, belongsInPrivate, htmlOptions, render, sendPrivately, startLink } from './replies.ts';
import { sendStarsInvoice } from './stars-invoice.ts';

/** Inline buttons: every press goes through core's action codec and is re-authorised there. */
export function mountButtons(bot: Telegraf, context: BotContext): void {
  bot.on('callback_query', (ctx) => onButton(context, ctx));
}

/**
 * A pressed inline button: the message is edited in place and the press acknowledged. Errors
 * (a forged or stale payload) leave the message alone and show as an alert to the presser only.
 * On a group message, an answer that belongs in private goes to the presser's private chat
 * instead of replacing what the whole group sees.
 */
async function onButton(context: BotContext, ctx: Context): Promise<void> {
  const query = ctx.callbackQuery;
  if (!query) return;
  const data = 'data' in query ? query.data : '';
  const pressed = await handleAction(context.deps, callerOf(ctx), data);
  const outcome = await asChatForm(context.deps, pressed);
  // Over a rate limit after the one "slow down": not even the press is answered.
  if (outcome.silent) return;
  if (outcome.error) {
    context.log.info({ error: outcome.error.code, chatId: ctx.chat?.id }, 'refused');
    await ctx.answerCbQuery(alertText(outcome), { show_alert: true });
    return;
  }
  const message = await render(context, outcome);
  const inGroup = Boolean(ctx.chat && ctx.chat.type !== 'private');
  const locale = localeOf(ctx, outcome);
  // A form's first question, a lesson with its files, and an unsubscribe's answer come as new messages: the pressed message stays as it is.
  const fresh = Boolean(pressed.reply.files?.length || pressed.reply.form || pressed.reply.separate);
  if (!query.message || fresh || (inGroup && belongsInPrivate(outcome))) {
    if (await sendPrivately(ctx, query.from.id, message)) {
      if (outcome.reply.files?.length) await sendReplyFiles(context, query.from.id, outcome.reply.files);
      if (outcome.reply.invoice) await sendStarsInvoice(ctx.telegram, query.from.id, outcome.reply.invoice, locale);
      await ctx.answerCbQuery(t(locale, 'telegram.sentPrivately', { name: query.from.first_name }));
    } else {
      // Telegram opens t.me links to this bot from a callback answer: the private chat, started.
      await ctx.answerCbQuery(undefined, { url: startLink(context, outcome) });
    }
    return;
  }
  try {
    await ctx.editMessageText(message.text, htmlOptions(message));
  } catch (error) {
    // A double press asks for what is already shown; that is not a failure.
    if (!(error instanceof TelegramError && error.description.includes('message is not modified'))) throw error;
  }
  if (outcome.reply.invoice) await sendStarsInvoice(ctx.telegram, query.from.id, outcome.reply.invoice, locale);
  await ctx.answerCbQuery();
}
