import type { Locale } from './i18n/index.ts';

/** Money from integer minor units, e.g. 4900 USD -> "$49.00"; Telegram Stars (XTR) as "⭐ 250". */
export function formatMoney(locale: Locale, amountMinor: number, currency: string): string {
  if (currency === 'XTR') return `⭐ ${amountMinor}`;
  const format = new Intl.NumberFormat(locale === 'zh' ? 'zh-CN' : 'en-US', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}
