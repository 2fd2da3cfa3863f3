import type { Telegraf } from 'telegraf';
import { handleStarsPayment, handleStarsPreCheckout } from '../../core/dispatch.ts';
import { type BotContext, callerOf } from './context.ts';
import { answer } from './replies.ts';

/**
 * Telegram Stars: the pre-checkout question is answered by the bot itself, with core's cheap
 * checks, well inside Telegram's 10 seconds; access is credited only on successful_payment.
 */
export function mountPayments(bot: Telegraf, context: BotContext): void {
  bot.on('pre_checkout_query', async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const verdict = await handleStarsPreCheckout(context.deps, callerOf(ctx), {
      payload: query.invoice_payload,
      currency: query.currency,
      totalAmount: query.total_amount,
    });
    if (!verdict.ok) context.log.info({ queryId: query.id, reason: verdict.message }, 'stars pre-checkout declined');
    await (verdict.ok ? ctx.answerPreCheckoutQuery(true) : ctx.answerPreCheckoutQuery(false, verdict.message));
  });
  bot.on('successful_payment', (ctx) => {
    const payment = ctx.message.successful_payment as typeof ctx.message.successful_payment & { subscription_expiration_date?: number };
    return answer(
      context,
      ctx,
      handleStarsPayment(context.deps, callerOf(ctx), {
        currency: payment.currency,
        totalAmount: payment.total_amount,
        payload: payment.invoice_payload,
        chargeId: payment.telegram_payment_charge_id,
        subscriptionExpiresAt: payment.subscription_expiration_date,
      }),
    );
  });
}
