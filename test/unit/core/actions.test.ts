import { describe, expect, it } from 'vitest';
import { type Action, decodeAction, encodeAction } from '../../../core/actions.ts';

const courseId = '0b6f3c1e-8d2a-4f51-9a7b-3c2d1e0f4a5b';

describe('encodeAction', () => {
  it('round-trips every action shape', () => {
    const actions: Action[] = [
      { type: 'course.show', courseId },
      { type: 'courses.page', page: 3 },
      { type: 'courses.page', page: 1, category: 'Data Science', query: 'python | pandas' },
      { type: 'courses.page', page: 2, query: '增长' },
      { type: 'courses.page', page: 2, query: '100% + 50%' },
      { type: 'product.buy', productId: courseId },
      { type: 'product.buy', productId: courseId, provider: 'stars' },
      { type: 'product.buy', productId: courseId, couponId: courseId },
      { type: 'product.buy', productId: courseId, provider: 'stripe', couponId: courseId },
      { type: 'coupon.redeem', couponId: courseId },
      { type: 'order.pay_sandbox', orderId: courseId },
      { type: 'access.restore' },
      { type: 'billing.portal', orderId: courseId },
      { type: 'support.intent', intent: 'human_agent', text: 'qwerty | 100% 人工?' },
      { type: 'support.intent', intent: 'browse_catalog', text: 'x' },
    ];
    for (const action of actions) expect(decodeAction(encodeAction(action))).toEqual(action);
    // A forged intent index or an empty text is refused.
    expect(decodeAction('si|42|hello')).toBeUndefined();
    expect(decodeAction('si|1|')).toBeUndefined();
  });

  it('never starts a payload with the stored-payload tag, and refuses unknown providers', () => {
    expect(encodeAction({ type: 'order.pay_sandbox', orderId: courseId }).startsWith('sp|')).toBe(false);
    expect(decodeAction(encodeAction({ type: 'product.buy', productId: courseId }).replace(/\|$/, '|q'))).toBeUndefined();
  });

  it('keeps CJK text unescaped, so a paged Chinese search fits Telegram callback_data', () => {
    const encoded = encodeAction({ type: 'courses.page', page: 12, query: '机器学习 入门 实战' });
    expect(encoded).toBe('cp|12||机器学习+入门+实战');
    expect(Buffer.byteLength(encoded)).toBeLessThanOrEqual(64);
  });

  it('fits a Buy button with a coupon into Telegram callback_data, and refuses a truncated coupon', () => {
    const encoded = encodeAction({ type: 'product.buy', productId: courseId, provider: 'stars', couponId: courseId });
    expect(Buffer.byteLength(encoded)).toBeLessThanOrEqual(64);
    expect(decodeAction(encoded.slice(0, -3))).toBeUndefined();
    expect(decodeAction('cr|not-a-coupon')).toBeUndefined();
  });

  it('fits a course button into Telegram callback_data (64 bytes)', () => {
    expect(Buffer.byteLength(encodeAction({ type: 'course.show', courseId }))).toBeLessThanOrEqual(64);
  });
});

describe('decodeAction', () => {
  it.each([
    ['empty', ''],
    ['unknown tag', 'zz|1'],
    ['page is not a number', 'cp|abc||'],
    ['page zero', 'cp|0||'],
    ['page too large', 'cp|99999||'],
    ['missing parts', 'cp|1'],
    ['course id not a uuid', 'co|not-an-id'],
    ['course id of the wrong length', 'co|AAAA'],
    ['malformed escape', 'cp|1|%E0%A4%A||'],
    ['query too long', `cp|1||${'q'.repeat(101)}`],
  ])('rejects a payload with %s', (_case, encoded) => {
    expect(decodeAction(encoded)).toBeUndefined();
  });
});
