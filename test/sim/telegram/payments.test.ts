import { Telegraf } from 'telegraf';
import type { PreCheckoutQuery } from 'telegraf/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SimSuccessfulPayment, startTelegramSim, type TelegramSim } from './index.ts';
import { errorOf, newerMethods, starsInvoice, until } from './test-support.ts';

const TOO_OLD = 'Bad Request: query is too old and response timeout expired or query ID is invalid';
const MONTH = 2_592_000;

/** Stars checkout through the real telegraf client: invoices, pre-checkout, charges, refunds. */
describe('Telegram simulator: Stars payments', () => {
  let sim: TelegramSim;
  let bot: Telegraf;
  let api: ReturnType<typeof newerMethods>;
  let payer: number;
  /** How the bot answers the next pre_checkout_query. */
  let answer: 'ok' | 'decline' | 'ignore';
  const queries: PreCheckoutQuery[] = [];
  const payments: SimSuccessfulPayment[] = [];
  const refunds: unknown[] = [];

  beforeAll(async () => {
    sim = await startTelegramSim({ preCheckoutTimeoutMs: 800 });
    payer = sim.createUser({ firstName: 'Ada' }).id;
    bot = new Telegraf(sim.token, { telegram: { apiRoot: sim.apiRoot, webhookReply: false } });
    api = newerMethods(bot.telegram);
    bot.on('pre_checkout_query', async (ctx) => {
      queries.push(ctx.preCheckoutQuery);
      if (answer === 'ok') await ctx.answerPreCheckoutQuery(true);
      if (answer === 'decline') await ctx.answerPreCheckoutQuery(false, 'Sold out, sorry');
    });
    bot.on('message', (ctx) => {
      if ('successful_payment' in ctx.message) payments.push(ctx.message.successful_payment as SimSuccessfulPayment);
      if ('refunded_payment' in ctx.message) refunds.push(ctx.message.refunded_payment);
    });
    await new Promise<void>((resolve) => void bot.launch({ allowedUpdates: ['message', 'pre_checkout_query'] }, resolve));
    await sim.user(payer).startBot();
  });
  beforeEach(() => {
    answer = 'ok';
  });
  afterAll(async () => {
    bot?.stop();
    await sim?.close();
  });

  it('sends a Stars invoice and refuses the ones Telegram refuses', async () => {
    const sent = await bot.telegram.sendInvoice(payer, starsInvoice());
    expect(sent.invoice).toEqual({ title: 'Pro membership', description: 'A month of the paid group', start_parameter: '', currency: 'XTR', total_amount: 250 });
    const refused = (overrides: Record<string, unknown>) => errorOf(bot.telegram.sendInvoice(payer, starsInvoice(overrides)));
    expect(await refused({ provider_token: 'provider:123' })).toEqual([400, 'Bad Request: STARS_INVOICE_INVALID']);
    expect(await refused({ prices: [{ label: 'a', amount: 1 }, { label: 'b', amount: 2 }] })).toEqual([400, 'Bad Request: STARS_INVOICE_INVALID']);
    expect(await refused({ prices: [{ label: 'a', amount: 0 }] })).toEqual([400, 'Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID']);
    expect(await refused({ prices: [{ label: 'a', amount: 100_001 }] })).toEqual([400, 'Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID']);
    expect(await refused({ currency: 'USD' })).toEqual([400, 'Bad Request: PAYMENT_PROVIDER_INVALID']);
    expect(await refused({ payload: '' })).toEqual([400, 'Bad Request: parameter "payload" is required']);
    expect(await refused({ payload: 'x'.repeat(129) })).toEqual([400, 'Bad Request: INVOICE_PAYLOAD_INVALID']);
  });

  it('creates invoice links, monthly subscriptions only in Stars and within their price limit', async () => {
    expect(await api.createInvoiceLink(starsInvoice())).toMatch(/^https:\/\/t\.me\/\$[\w-]+$/);
    expect(await api.createInvoiceLink(starsInvoice({ subscription_period: MONTH, prices: [{ label: 'Pro', amount: 10_000 }] }))).toMatch(/^https:\/\/t\.me\/\$/);
    const refused = (overrides: Record<string, unknown>) => errorOf(api.createInvoiceLink(starsInvoice(overrides)));
    expect(await refused({ subscription_period: 86_400 })).toEqual([400, 'Bad Request: SUBSCRIPTION_PERIOD_INVALID']);
    expect(await refused({ subscription_period: MONTH, currency: 'USD', provider_token: 'p' })).toEqual([400, 'Bad Request: SUBSCRIPTION_PERIOD_INVALID']);
    expect(await refused({ subscription_period: MONTH, prices: [{ label: 'Pro', amount: 10_001 }] })).toEqual([400, 'Bad Request: SUBSCRIPTION_AMOUNT_INVALID']);
    expect(await refused({ prices: [{ label: 'Pro', amount: 100_000 }] })).toBeUndefined();
  });

  it('pays an invoice message: pre_checkout_query, the answer, then successful_payment in the private chat', async () => {
    const sent = await bot.telegram.sendInvoice(payer, starsInvoice());
    const invoice = sim.privateChatMessages(payer).find((message) => message.message_id === sent.message_id)!;
    const outcome = await sim.user(payer).payInvoice(invoice);
    expect(outcome).toMatchObject({ status: 'paid', chargeId: expect.stringMatching(/^stx/) });
    expect(queries.at(-1)).toEqual({ id: expect.stringMatching(/^\d+$/), from: expect.objectContaining({ id: payer }), currency: 'XTR', total_amount: 250, invoice_payload: 'product:pro' });
    await until(() => payments.length > 0);
    const chargeId = outcome.status === 'paid' ? outcome.chargeId : '';
    expect(payments.at(-1)).toEqual({ currency: 'XTR', total_amount: 250, invoice_payload: 'product:pro', telegram_payment_charge_id: chargeId, provider_payment_charge_id: expect.any(String) });
    expect(sim.privateChatMessages(payer).at(-1)).toMatchObject({ from: { id: payer }, successful_payment: { telegram_payment_charge_id: chargeId } });
    await expect(sim.user(payer).payInvoice(invoice)).rejects.toThrow(/already paid/);
  });

  it('declines with the bot’s error_message: the user sees it and nothing is charged', async () => {
    answer = 'decline';
    const charges = sim.starCharges().length;
    const outcome = await sim.user(payer).payInvoice(await api.createInvoiceLink(starsInvoice()));
    expect(outcome).toEqual({ status: 'declined', errorMessage: 'Sold out, sorry' });
    expect(sim.paymentAttempts.at(-1)).toMatchObject({ status: 'declined', errorMessage: 'Sold out, sorry', userId: payer });
    expect(sim.starCharges()).toHaveLength(charges);
    expect(await errorOf(bot.telegram.answerPreCheckoutQuery(queries.at(-1)!.id, false))).toEqual([400, 'Bad Request: parameter "error_message" is required']);
  });

  it('fails a payment the bot does not answer in time; a late or a second answer is too old', async () => {
    answer = 'ignore';
    const link = await api.createInvoiceLink(starsInvoice());
    expect(await sim.user(payer).payInvoice(link)).toEqual({ status: 'timed_out' });
    expect(await errorOf(bot.telegram.answerPreCheckoutQuery(queries.at(-1)!.id, true))).toEqual([400, TOO_OLD]);
    answer = 'ok';
    expect(await sim.user(payer).payInvoice(link)).toMatchObject({ status: 'paid' });
    expect(await errorOf(bot.telegram.answerPreCheckoutQuery(queries.at(-1)!.id, true))).toEqual([400, TOO_OLD]);
  });

  it('renews a Stars subscription with a new charge until the bot cancels it', async () => {
    const link = await api.createInvoiceLink(starsInvoice({ subscription_period: MONTH, payload: 'sub:pro' }));
    const first = await sim.user(payer).payInvoice(link);
    if (first.status !== 'paid') throw new Error('not paid');
    const paid = first.message.successful_payment!;
    expect(paid).toMatchObject({ invoice_payload: 'sub:pro', is_recurring: true, is_first_recurring: true });
    expect(paid.subscription_expiration_date).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + MONTH - 5);
    const renewal = sim.renewStarSubscription({ chargeId: first.chargeId }).successful_payment!;
    expect(renewal).toMatchObject({ is_recurring: true, subscription_expiration_date: paid.subscription_expiration_date! + MONTH });
    expect(renewal.is_first_recurring).toBeUndefined();
    expect(renewal.telegram_payment_charge_id).not.toBe(first.chargeId);
    await until(() => payments.some((payment) => payment.telegram_payment_charge_id === renewal.telegram_payment_charge_id));

    expect(await api.editUserStarSubscription(payer, first.chargeId, true)).toBe(true);
    expect(() => sim.renewStarSubscription({ chargeId: first.chargeId })).toThrow(/canceled/);
    expect(sim.starCharges().find((charge) => charge.chargeId === first.chargeId)?.subscription).toMatchObject({ canceledByBot: true, firstChargeId: first.chargeId });
    expect(await api.editUserStarSubscription(payer, renewal.telegram_payment_charge_id, false)).toBe(true);
    expect(sim.renewStarSubscription({ chargeId: first.chargeId }).successful_payment?.is_recurring).toBe(true);
    expect(await errorOf(api.editUserStarSubscription(payer, 'stx-unknown', true))).toEqual([400, 'Bad Request: CHARGE_ID_INVALID']);
  });

  it('refunds a Stars charge once, posting refunded_payment, and lists the transactions', async () => {
    const outcome = await sim.user(payer).payInvoice(await api.createInvoiceLink(starsInvoice({ payload: 'refund-me' })));
    if (outcome.status !== 'paid') throw new Error('not paid');
    expect(await api.refundStarPayment(payer, outcome.chargeId)).toBe(true);
    await until(() => refunds.length > 0);
    expect(refunds.at(-1)).toMatchObject({ currency: 'XTR', total_amount: 250, invoice_payload: 'refund-me', telegram_payment_charge_id: outcome.chargeId });
    expect(await errorOf(api.refundStarPayment(payer, outcome.chargeId))).toEqual([400, 'Bad Request: CHARGE_ALREADY_REFUNDED']);
    expect(await errorOf(api.refundStarPayment(payer, 'stxUnknown'))).toEqual([400, 'Bad Request: CHARGE_NOT_FOUND']);
    expect(await errorOf(api.refundStarPayment(0, outcome.chargeId))).toEqual([400, 'Bad Request: invalid user_id specified']);
    const { transactions } = await api.getStarTransactions(0, 2);
    expect(transactions).toEqual([
      { id: outcome.chargeId, amount: 250, date: expect.any(Number), receiver: expect.objectContaining({ type: 'user', invoice_payload: 'refund-me' }) },
      { id: outcome.chargeId, amount: 250, date: expect.any(Number), source: expect.objectContaining({ type: 'user', transaction_type: 'invoice_payment' }) },
    ]);
  });

  it('injects failures into the payment methods too', async () => {
    sim.failNext({ method: 'refundStarPayment', errorCode: 429, retryAfter: 2 });
    await expect(api.refundStarPayment(payer, 'x')).rejects.toMatchObject({ code: 429, parameters: { retry_after: 2 } });
    sim.failNext({ method: 'createInvoiceLink', errorCode: 500 });
    expect(await errorOf(api.createInvoiceLink(starsInvoice()))).toEqual([500, 'Internal Server Error']);
    sim.failNext({ method: 'sendInvoice', errorCode: 403 });
    expect(await errorOf(bot.telegram.sendInvoice(payer, starsInvoice()))).toEqual([403, 'Forbidden: bot was blocked by the user']);
    sim.failNext({ method: 'answerPreCheckoutQuery', errorCode: 400 });
    expect(await errorOf(bot.telegram.answerPreCheckoutQuery('1', true))).toEqual([400, 'Bad Request: chat not found']);
    expect(sim.callsTo('sendInvoice').at(-1)).toMatchObject({ ok: false, errorCode: 403 });
  });
});
