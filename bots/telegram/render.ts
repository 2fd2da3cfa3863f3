import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { type Action, encodeAction } from '../../core/actions.ts';
import type { Reply, ReplyButton } from '../../core/reply.ts';
import { plainText } from '../../core/studio/markdown.ts';
import { telegramHtml } from './markdown.ts';

/** What sendMessage and editMessageText take, with parse_mode HTML. */
export type TelegramMessage = { text: string; reply_markup?: InlineKeyboardMarkup };

/** Telegram's limit counts the text after entity parsing, in UTF-16 units: what `.length` gives. */
export const TEXT_LIMIT = 4096;
const CALLBACK_DATA_LIMIT_BYTES = 64;
export const fitsCallbackData = (encoded: string) => Buffer.byteLength(encoded) <= CALLBACK_DATA_LIMIT_BYTES;
/** A select has no Telegram counterpart; its options become a grid of buttons this wide. */
const SELECT_COLUMNS = 3;

const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

type Encode = (action: Action) => string;

/**
 * Renders a Reply as Telegram HTML plus an inline keyboard. Pieces that would push the visible
 * text past Telegram's limit are left out, with an ellipsis, rather than failing the message.
 * With the bot's username, buttons that carry a start payload become `t.me` links.
 */
export function renderTelegramMessage(reply: Reply, encode: Encode = encodeAction, botUsername?: string): TelegramMessage {
  const pieces: Array<{ html: string; plain: string }> = [];
  const piece = (plain: string, wrap?: (escaped: string) => string) =>
    pieces.push({ plain, html: wrap ? wrap(escapeHtml(plain)) : escapeHtml(plain) });
  if (reply.title) piece(reply.title, (t) => `<b>${t}</b>`);
  if (reply.body) piece(reply.body);
  if (reply.blocks?.length) pieces.push({ plain: plainText(reply.blocks), html: telegramHtml(reply.blocks) });
  for (const field of reply.fields ?? []) {
    pieces.push({
      plain: `${field.name}\n${field.value}`,
      html: `<b>${escapeHtml(field.name)}</b>\n${escapeHtml(field.value)}`,
    });
  }
  if (reply.footer) piece(reply.footer, (t) => `<i>${t}</i>`);

  const separator = '\n\n';
  const kept: string[] = [];
  let length = 0;
  for (const { html, plain } of pieces) {
    const added = (kept.length ? separator.length : 0) + plain.length;
    if (length + added > TEXT_LIMIT - 2) {
      kept.push('…');
      break;
    }
    kept.push(html);
    length += added;
  }
  const keyboard = renderKeyboard(reply, encode, botUsername);
  return { text: kept.join(separator) || '…', ...(keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {}) };
}

function renderKeyboard(reply: Reply, encode: Encode, botUsername: string | undefined): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  for (const row of reply.actions ?? []) {
    if ('buttons' in row) {
      const buttons = row.buttons.flatMap((button) => renderButton(button, encode, botUsername));
      if (buttons.length) rows.push(buttons);
      continue;
    }
    const options = row.select.options.flatMap((option) =>
      renderButton({ label: option.selected ? `• ${option.label}` : option.label, action: option.action }, encode, botUsername),
    );
    for (let start = 0; start < options.length; start += SELECT_COLUMNS) rows.push(options.slice(start, start + SELECT_COLUMNS));
  }
  return rows;
}

/**
 * Adapters pass an encoder that stores long payloads (see core/button-payloads); a payload that
 * still exceeds callback_data's 64 bytes is left out, since Telegram would refuse the whole
 * message for it.
 */
function renderButton(button: ReplyButton, encode: Encode, botUsername: string | undefined): InlineKeyboardButton[] {
  if ('url' in button) return [{ text: button.label, url: button.url }];
  if (button.telegramStart && botUsername) return [{ text: button.label, url: `https://t.me/${botUsername}?start=${button.telegramStart}` }];
  const data = encode(button.action);
  return fitsCallbackData(data) ? [{ text: button.label, callback_data: data }] : [];
}
