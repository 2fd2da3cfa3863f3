import { describe, expect, it } from 'vitest';
import { parseTextOptions } from '../../../core/commands/text-options.ts';

describe('parseTextOptions', () => {
  it('fills the main option from free words, keeping key:value and quoted values', () => {
    expect(parseTextOptions('courses', 'category:"Data Science" pandas basics')).toEqual({ category: 'Data Science', query: 'pandas basics' });
    expect(parseTextOptions('buy', 'python-bootcamp')).toEqual({ product: 'python-bootcamp' });
  });

  it('reads leading words as the sub-command, order, member and product', () => {
    expect(parseTextOptions('product', 'edit pro price:59')).toEqual({ action: 'edit', product: 'pro', price: '59' });
    expect(parseTextOptions('refund', '1a2b3c4d changed my mind')).toEqual({ order: '1a2b3c4d', reason: 'changed my mind' });
    expect(parseTextOptions('grant', '@mia pro days:7')).toEqual({ member: '@mia', product: 'pro', days: '7' });
    expect(parseTextOptions('revoke', 'Mia pro shared the files')).toEqual({ member: 'Mia', product: 'pro', reason: 'shared the files' });
    expect(parseTextOptions('privacy', 'delete')).toEqual({ action: 'delete' });
    expect(parseTextOptions('privacy', 'export @mia')).toEqual({ action: 'export', member: '@mia' });
    expect(parseTextOptions('audit', 'export access. period:7d')).toEqual({ action: 'export', what: 'access.', period: '7d' });
    expect(parseTextOptions('audit', 'access.grant member:@mia')).toEqual({ what: 'access.grant', member: '@mia' });
    expect(parseTextOptions('access', 'status @mia')).toEqual({ action: 'status', member: '@mia' });
    expect(parseTextOptions('access', 'audit apply')).toEqual({ action: 'audit', mode: 'apply' });
    expect(parseTextOptions('access', 'audit undo')).toEqual({ action: 'audit', mode: 'undo' });
    expect(parseTextOptions('coupon', 'create SPRING percent:20 products:pro')).toEqual({ action: 'create', code: 'SPRING', percent: '20', products: 'pro' });
    expect(parseTextOptions('coupon', 'share SPRING')).toEqual({ action: 'share', code: 'SPRING' });
    expect(parseTextOptions('buy', 'pro code:SPRING')).toEqual({ product: 'pro', code: 'SPRING' });
    expect(parseTextOptions('stats', 'revenue 90d')).toEqual({ action: 'revenue', period: '90d' });
    expect(parseTextOptions('stats', 'export mrr 2026-01..2026-06')).toEqual({ action: 'export', metric: 'mrr', period: '2026-01..2026-06' });
    expect(parseTextOptions('stats', 'course sql-basics')).toEqual({ action: 'course', course: 'sql-basics' });
    expect(parseTextOptions('stats', '7d')).toEqual({ period: '7d' });
  });

  it('reads the support commands as staff type them', () => {
    expect(parseTextOptions('claim', '#1a2b3c4d take_over:true')).toEqual({ ticket: '#1a2b3c4d', take_over: 'true' });
    expect(parseTextOptions('handback', '1a2b3c4d')).toEqual({ ticket: '1a2b3c4d' });
    expect(parseTextOptions('close', 'refunded the order')).toEqual({ resolution: 'refunded the order' });
    expect(parseTextOptions('close', 'ticket:1a2b3c4d done and dusted')).toEqual({ ticket: '1a2b3c4d', resolution: 'done and dusted' });
    expect(parseTextOptions('tickets', 'stats')).toEqual({ view: 'stats' });
    expect(parseTextOptions('faq', 'add question:"how do refunds work?" answer:"Write refund here." lang:en')).toEqual({ action: 'add', question: 'how do refunds work?', answer: 'Write refund here.', lang: 'en' });
    expect(parseTextOptions('faq', 'remove 1a2b3c4d')).toEqual({ action: 'remove', entry: '1a2b3c4d' });
  });

  it('keeps web addresses in free text: https: is not an option', () => {
    expect(parseTextOptions('announce', 'Read [the guide](https://example.com/g?a=1) or http://x.org now at:2026-12-01T09:00')).toEqual({
      text: 'Read [the guide](https://example.com/g?a=1) or http://x.org now',
      at: '2026-12-01T09:00',
    });
    expect(parseTextOptions('courses', 'https://example.com')).toEqual({ query: 'https://example.com' });
  });

  it('lets an explicit key win over a leading word', () => {
    expect(parseTextOptions('grant', 'member:Mia product:pro')).toEqual({ member: 'Mia', product: 'pro' });
  });
});
