import type { Telegram } from 'telegraf';
import { formatMoney } from '../../core/format.ts';
import { type Locale, t } from '../../core/i18n/index.ts';
import type { ReplyInvoice } from '../../core/reply.ts';

/** Telegram Stars subscriptions renew every 30 days; no other period exists. */
export const STARS_SUBSCRIPTION_PERIOD_S = 2_592_000;
const TITLE_LIMIT = 32;
const DESCRIPTION_LIMIT = 255;

const cut = (text: string, limit: number) => (Array.from(text).length <= limit ? text : `${Array.from(text).slice(0, limit - 1).join('')}…`);

/**
 * Sends a Stars invoice to the member's private chat: `sendInvoice` for a one-time price, or,
 * for a monthly subscription, a `createInvoiceLink` with `subscription_period` behind a button
 * (telegraf's types stop before Bot API 7.9, so that call goes through callApi).
 */
export async function sendStarsInvoice(telegram: Telegram, userId: number, invoice: ReplyInvoice, locale: Locale): Promise<void> {
  const fields = {
    title: cut(invoice.title, TITLE_LIMIT),
    description: cut(invoice.description, DESCRIPTION_LIMIT),
    payload: invoice.payload,
    provider_token: '',
    currency: 'XTR',
    prices: [{ label: cut(invoice.title, TITLE_LIMIT), amount: invoice.stars }],
  };
  if (!invoice.subscription) {
    await telegram.sendInvoice(userId, fields);
    return;
  }
  const createLink = telegram.callApi.bind(telegram) as unknown as (method: 'createInvoiceLink', payload: object) => Promise<string>;
  const link = await createLink('createInvoiceLink', { ...fields, subscription_period: STARS_SUBSCRIPTION_PERIOD_S });
  await telegram.sendMessage(userId, invoice.title, {
    reply_markup: { inline_keyboard: [[{ text: t(locale, 'buy.starsLink', { price: formatMoney(locale, invoice.stars, 'XTR') }), url: link }]] },
  });
}
