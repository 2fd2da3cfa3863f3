/**
 * Checkout: sendInvoice, createInvoiceLink, answerPreCheckoutQuery and a scripted user paying.
 * Stars rules as Telegram enforces them: currency XTR, no provider token, exactly one price
 * (STARS_INVOICE_INVALID), 1-100000 Stars one-off (CURRENCY_TOTAL_AMOUNT_INVALID), and for
 * subscription links a 2592000 s period (SUBSCRIPTION_PERIOD_INVALID) and at most 10000 Stars
 * (SUBSCRIPTION_AMOUNT_INVALID). A pre_checkout_query not answered in time fails the payment,
 * and a late or second answer gets "query is too old...".
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { badRequest, QUERY_TOO_OLD, required } from './errors.ts';
import { type InvoiceState, now, type PreCheckout, SUBSCRIPTION_PERIOD, type UserState } from './model.ts';
import { queryId } from './callbacks.ts';
import { recordCharge } from './stars.ts';
import type { Methods, SimState } from './state.ts';
import { botMessagePlace } from './topics.ts';
import type { PaymentAttempt, PaymentOutcome, SimTgMessage } from './types.ts';
import { bool, chatId, int, parse, requiredString } from './validation.ts';

const STARS_ONE_OFF_MAX = 100_000;
const STARS_SUBSCRIPTION_MAX = 10_000;

const prices = z.preprocess(
  (value) => {
    if (value === undefined || value === '') throw required('prices');
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      throw badRequest("can't parse prices JSON object");
    }
  },
  z.array(z.object({ label: z.string().min(1), amount: int })).min(1),
);
const invoiceFields = {
  title: requiredString('title').max(32, 'TITLE_INVALID'),
  description: requiredString('description').max(255, 'DESCRIPTION_INVALID'),
  payload: requiredString('payload'),
  provider_token: z.string().optional(),
  currency: requiredString('currency').regex(/^[A-Z]{3}$/, 'CURRENCY_INVALID'),
  prices,
};
const schemas = {
  sendInvoice: z.object({ chat_id: chatId, message_thread_id: int.optional(), ...invoiceFields }).loose(),
  createInvoiceLink: z.object({ ...invoiceFields, subscription_period: int.optional() }).loose(),
  answer: z.object({ pre_checkout_query_id: z.string().min(1), ok: bool, error_message: z.string().optional() }).loose(),
};

/** Telegram's own checks of an invoice, in its words. */
function checkedInvoice(params: z.infer<typeof schemas.createInvoiceLink>): InvoiceState {
  if (Buffer.byteLength(params.payload) > 128) throw badRequest('INVOICE_PAYLOAD_INVALID');
  const period = Math.max(params.subscription_period ?? 0, 0);
  const total = params.prices.reduce((sum, price) => sum + price.amount, 0);
  if (params.currency === 'XTR') {
    if (params.provider_token || params.prices.length !== 1) throw badRequest('STARS_INVOICE_INVALID');
    if (period && period !== SUBSCRIPTION_PERIOD) throw badRequest('SUBSCRIPTION_PERIOD_INVALID');
    if (period && total > STARS_SUBSCRIPTION_MAX) throw badRequest('SUBSCRIPTION_AMOUNT_INVALID');
    if (total < 1 || total > STARS_ONE_OFF_MAX) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
  } else {
    if (period) throw badRequest('SUBSCRIPTION_PERIOD_INVALID');
    if (!params.provider_token) throw badRequest('PAYMENT_PROVIDER_INVALID');
    if (total <= 0) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
  }
  return {
    title: params.title,
    description: params.description,
    payload: params.payload,
    currency: params.currency,
    totalAmount: total,
    ...(period ? { subscriptionPeriod: period } : {}),
    paidBy: new Set(),
  };
}

export function paymentMethods(sim: SimState): Methods {
  return {
    sendInvoice: (raw) => {
      const params = parse(schemas.sendInvoice, raw);
      const state = sim.writableChat(params.chat_id);
      // subscription_period belongs to createInvoiceLink only; sendInvoice has no such parameter.
      const invoice = checkedInvoice({ ...params, subscription_period: undefined });
      const sent = sim.botMessage(state, {
        ...botMessagePlace(sim, state, params.message_thread_id, undefined),
        invoice: { title: invoice.title, description: invoice.description, start_parameter: '', currency: invoice.currency, total_amount: invoice.totalAmount },
      });
      sim.invoices.set(`${state.chat.id}:${String(sent.message_id)}`, invoice);
      return sent;
    },
    createInvoiceLink: (raw) => {
      const invoice = checkedInvoice(parse(schemas.createInvoiceLink, raw));
      const link = `https://t.me/$${randomBytes(12).toString('base64url')}`;
      sim.invoices.set(link, invoice);
      return link;
    },
    answerPreCheckoutQuery: (raw) => {
      const params = parse(schemas.answer, raw);
      if (!params.ok && !params.error_message) throw required('error_message');
      const query = sim.preCheckouts.get(params.pre_checkout_query_id);
      if (!query || query.expired || query.answer) throw badRequest(QUERY_TOO_OLD);
      query.answer = { ok: params.ok, ...(params.ok ? {} : { errorMessage: params.error_message! }) };
      for (const wake of query.waiters) wake();
      return true;
    },
  };
}

function invoiceFor(sim: SimState, user: UserState, target: SimTgMessage | string): { invoice: InvoiceState; once: boolean } {
  if (typeof target === 'string') {
    const invoice = sim.invoices.get(target);
    if (!invoice) throw new Error(`telegram sim: no invoice link ${target}`);
    return { invoice, once: false };
  }
  const invoice = sim.invoices.get(`${target.chat.id}:${target.message_id}`);
  if (!invoice) throw new Error(`telegram sim: message ${target.message_id} in chat ${target.chat.id} is not an invoice`);
  const state = sim.chatState(target.chat.id);
  const sees = state.chat.type === 'private' ? state.chat.id === user.id : state.members.has(user.id);
  if (!sees) throw new Error(`telegram sim: user ${user.id} cannot see the invoice in chat ${target.chat.id}`);
  if (invoice.paidBy.has(user.id)) throw new Error(`telegram sim: user ${user.id} already paid invoice message ${target.message_id}`);
  return { invoice, once: true };
}

/** The whole checkout of one user: pre_checkout_query, the bot's answer (or none), then the charge. */
export async function payInvoice(sim: SimState, user: UserState, target: SimTgMessage | string): Promise<PaymentOutcome> {
  const { invoice, once } = invoiceFor(sim, user, target);
  const id = queryId();
  const query: PreCheckout = { expired: false, waiters: [] };
  sim.preCheckouts.set(id, query);
  sim.updates.enqueue(
    { pre_checkout_query: { id, from: sim.publicUser(user), currency: invoice.currency, total_amount: invoice.totalAmount, invoice_payload: invoice.payload } },
    user.id,
  );
  const answer = await new Promise<PreCheckout['answer']>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), sim.timing.preCheckoutTimeoutMs);
    timer.unref();
    query.waiters.push(() => {
      clearTimeout(timer);
      resolve(query.answer);
    });
  });
  query.expired = true;
  const attempt: PaymentAttempt = {
    userId: user.id,
    payload: invoice.payload,
    currency: invoice.currency,
    totalAmount: invoice.totalAmount,
    preCheckoutQueryId: id,
    status: 'timed_out',
  };
  sim.paymentAttempts.push(attempt);
  if (!answer) return { status: 'timed_out' };
  if (!answer.ok) {
    Object.assign(attempt, { status: 'declined', errorMessage: answer.errorMessage });
    return { status: 'declined', errorMessage: answer.errorMessage ?? '' };
  }
  if (once) invoice.paidBy.add(user.id);
  const subscription = invoice.subscriptionPeriod
    ? { userId: user.id, invoice, period: invoice.subscriptionPeriod, expiresAt: now() + invoice.subscriptionPeriod, canceledByBot: false, canceledByUser: false, chargeIds: [] }
    : undefined;
  const { charge, message } = recordCharge(sim, user, invoice, subscription);
  Object.assign(attempt, { status: 'paid', chargeId: charge.chargeId });
  return { status: 'paid', chargeId: charge.chargeId, message };
}
