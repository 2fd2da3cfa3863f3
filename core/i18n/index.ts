import { en, type MessageKey } from './en.ts';
import { zh } from './zh.ts';

export const locales = ['en', 'zh'] as const;
export type Locale = (typeof locales)[number];
export type { MessageKey };

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, zh };

/** Maps a platform locale (Discord `zh-CN`, Telegram `zh-hans`, `en-GB`) to one we speak. */
export function toLocale(tag: string | null | undefined): Locale | undefined {
  const base = tag?.toLowerCase().split(/[-_]/)[0];
  return locales.find((locale) => locale === base);
}

/** Looks up a message and fills `{name}` placeholders. Unknown placeholders stay visible. */
export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogues[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
