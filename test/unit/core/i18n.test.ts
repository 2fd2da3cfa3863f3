import { describe, expect, it } from 'vitest';
import { en } from '../../../core/i18n/en.ts';
import { t, toLocale } from '../../../core/i18n/index.ts';
import { zh } from '../../../core/i18n/zh.ts';

describe('toLocale', () => {
  it.each([
    ['zh-CN', 'zh'],
    ['zh-TW', 'zh'],
    ['zh-hans', 'zh'],
    ['en-US', 'en'],
    ['en', 'en'],
    ['EN_gb', 'en'],
    ['fr', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('maps %s to %s', (tag, locale) => {
    expect(toLocale(tag)).toBe(locale);
  });
});

describe('t', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('en', 'courses.range', { from: 1, to: 5, total: 9 })).toBe('Showing 1-5 of 9');
    expect(t('zh', 'courses.range', { from: 1, to: 5, total: 9 })).toBe('第 1-5 门，共 9 门');
    expect(t('en', 'courses.range', { from: 1 })).toBe('Showing 1-{to} of {total}');
  });

  it('has a Chinese text with the same placeholders for every English message', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(zh[key], key).toBeTruthy();
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });
});
