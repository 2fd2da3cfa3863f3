import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../../core/format.ts';
import { truncate } from '../../../core/reply.ts';

describe('formatMoney', () => {
  it('formats minor units by the currency’s own decimals', () => {
    expect(formatMoney('en', 2900, 'USD')).toBe('$29.00');
    expect(formatMoney('en', 1500, 'JPY')).toBe('¥1,500');
    expect(formatMoney('zh', 9900, 'CNY')).toBe('¥99.00');
  });

  it('shows Telegram Stars as whole stars', () => {
    expect(formatMoney('en', 250, 'XTR')).toBe('⭐ 250');
  });
});

describe('truncate', () => {
  it('keeps short text and cuts long text with an ellipsis, by characters not bytes', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(truncate('增长黑客入门课程', 4)).toBe('增长黑…');
  });
});
