import { type Context, TelegramError } from 'telegraf';
import { asChatForm, type Outcome, payloadEncoderFor } from '../../core/dispatch.ts';
import { sendReplyFiles } from './files.ts';
import { describeUnexpected } from '../../core/errors.ts';
import { t } from '../../core/i18n/index.ts';
import { type BotContext, localeOf } from './context.ts';
import { fitsCallbackData, renderTelegramMessage, type TelegramMessage } from './render.ts';
import { sendStarsInvoice } from './stars-invoice.ts';

/** Group listings and anything confidential belong in the member's private chat. */
export const belongsInPrivate = (outcome: Outcome) => Boolean(outcome.reply.long || outcome.reply.confidential || outcome.reply.invoice);

/**
 * Sends a command's reply. In a group, what belongs in private goes to the member's private
 * chat, with a short note in the group; if the member never opened a private chat with the bot
 * (Telegram forbids the bot to start one), the note carries a deep link that does. A Stars
 * invoice always follows in the private chat.
 */
export async function answer(context: BotContext, ctx: Context, pending: Promise<Outcome>): Promise<void> {
  // A form is asked as a conversation, one question per message.
  const outcome = await asChatForm(context.deps, await pending);
  const chat = ctx.chat;
  const from = ctx.from;
  if (!chat || !from || outcome.silent) return;
  const message = await render(context, outcome);
  // In a forum topic the reply to the message keeps the answer in that topic.
  const replyTo = ctx.message ? { reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true } } : {};
  const locale = localeOf(ctx, outcome);
  if (chat.type === 'private' || !belongsInPrivate(outcome)) {
    await ctx.telegram.sendMessage(chat.id, message.text, { ...htmlOptions(message), ...(chat.type === 'private' ? {} : replyTo) });
    if (outcome.reply.files?.length) await sendReplyFiles(context, chat.id, outcome.reply.files);
    if (outcome.reply.invoice) await sendStarsInvoice(ctx.telegram, from.id, outcome.reply.invoice, locale);
    return;
  }
  const name = from.first_name;
  if (await sendPrivately(ctx, from.id, message)) {
    if (outcome.reply.files?.length) await sendReplyFiles(context, from.id, outcome.reply.files);
    if (outcome.reply.invoice) await sendStarsInvoice(ctx.telegram, from.id, outcome.reply.invoice, locale);
    await ctx.telegram.sendMessage(chat.id, t(locale, 'telegram.sentPrivately', { name }), replyTo);
    return;
  }
  await ctx.telegram.sendMessage(chat.id, t(locale, 'telegram.startPrivately', { name }), {
    ...replyTo,
    reply_markup: { inline_keyboard: [[{ text: t(locale, 'telegram.openPrivateChat'), url: startLink(context, outcome) }]] },
  });
}

export async function render(context: BotContext, outcome: Outcome): Promise<TelegramMessage> {
  return renderTelegramMessage(outcome.reply, await payloadEncoderFor(context.deps, outcome, fitsCallbackData), context.bot.botInfo?.username);
}

/** Sends to the member's private chat; false when Telegram forbids it (never started, blocked). */
export async function sendPrivately(ctx: Context, userId: number, message: TelegramMessage): Promise<boolean> {
  try {
    await ctx.telegram.sendMessage(userId, message.text, htmlOptions(message));
    return true;
  } catch (error) {
    if (error instanceof TelegramError && error.code === 403) return false;
    throw error;
  }
}

export const htmlOptions = (message: TelegramMessage) => ({
  parse_mode: 'HTML' as const,
  ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
});

/** Opens the private chat with the bot about the actor's community. */
export function startLink(context: BotContext, outcome: Outcome): string {
  const payload = outcome.actor?.communitySlug;
  return `https://t.me/${context.bot.botInfo?.username ?? ''}${payload ? `?start=${payload}` : ''}`;
}

/** Callback alerts show at most 200 characters of plain text. */
export function alertText(outcome: Outcome): string {
  const text = [outcome.reply.title, outcome.reply.body].filter(Boolean).join('\n');
  return Array.from(text).length <= 200 ? text : `${Array.from(text).slice(0, 199).join('')}…`;
}

/** The one error boundary: logs with the update id and apologises to the user, briefly. */
export async function reportFailure(context: BotContext, ctx: Context, error: unknown): Promise<void> {
  context.log.error({ err: error, updateId: ctx.update.update_id }, 'telegram update failed');
  const apology = describeUnexpected(localeOf(ctx)).body ?? '';
  try {
    if (ctx.callbackQuery) await ctx.answerCbQuery(apology, { show_alert: true });
    else if (ctx.chat) await ctx.telegram.sendMessage(ctx.chat.id, apology);
  } catch (sendError) {
    context.log.warn({ err: sendError, updateId: ctx.update.update_id }, 'could not report the failure to the user');
  }
}
