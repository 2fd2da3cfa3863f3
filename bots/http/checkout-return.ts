import type { Hono } from 'hono';

export const CHECKOUT_RETURN_PATH = '/checkout/return';

/**
 * Where Stripe Checkout sends the member afterwards. It grants nothing (access follows only from
 * the verified webhook); it only says where to go next, in English and Chinese.
 */
export function mountCheckoutReturn(app: Hono): void {
  app.get(CHECKOUT_RETURN_PATH, (c) => {
    const paid = c.req.query('result') === 'paid';
    const [en, zh] = paid
      ? ['Thank you! Your payment is being confirmed; your access arrives in the chat in a moment.', '谢谢！正在确认付款，权限稍后会在聊天中开通。']
      : ['Checkout canceled. Nothing was charged; you can buy again from the chat any time.', '已取消结账，没有产生扣款。你可以随时在聊天中重新购买。'];
    return c.html(`<!doctype html><html><head><meta charset="utf-8"><title>Lyceum</title></head><body><p>${en}</p><p lang="zh">${zh}</p><p>You can close this page. 现在可以关闭此页面。</p></body></html>`);
  });
}
