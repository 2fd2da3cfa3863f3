/**
 * Telegram Stars after checkout: charges and their successful_payment messages, subscription
 * renewals, refundStarPayment, editUserStarSubscription and getStarTransactions. Errors are the
 * server's MTProto codes as the Bot API passes them on (CHARGE_NOT_FOUND, CHARGE_ALREADY_REFUNDED,
 * CHARGE_ID_INVALID); a refund posts a refunded_payment service message the bot also receives.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { badRequest } from './errors.ts';
import { type ChargeState, type InvoiceState, now, type SubscriptionState, type UserState } from './model.ts';
import type { Methods, SimState } from './state.ts';
import type { SimStarCharge, SimSuccessfulPayment, SimTgMessage } from './types.ts';
import { bool, int, parse, requiredString, userId } from './validation.ts';

const schemas = {
  refund: z.object({ user_id: userId, telegram_payment_charge_id: requiredString('telegram_payment_charge_id') }).loose(),
  editSubscription: z.object({ user_id: userId, telegram_payment_charge_id: z.string().optional(), is_canceled: bool.optional() }).loose(),
  transactions: z.object({ offset: int.optional(), limit: int.optional() }).loose(),
};

let providerSequence = 0;
/** Real Stars charge ids start with "stx" and run past 128 characters. */
const newChargeId = () => `stx${randomBytes(96).toString('base64url')}`;

/** Books a completed payment and posts its successful_payment message in the payer's private chat. */
export function recordCharge(sim: SimState, user: UserState, invoice: InvoiceState, subscription?: SubscriptionState): { charge: ChargeState; message: SimTgMessage } {
  const charge: ChargeState = {
    chargeId: newChargeId(),
    providerChargeId: `${user.id}_${++providerSequence}`,
    userId: user.id,
    amount: invoice.totalAmount,
    currency: invoice.currency,
    payload: invoice.payload,
    date: now(),
    refunded: false,
    ...(subscription ? { subscription } : {}),
  };
  sim.charges.set(charge.chargeId, charge);
  subscription?.chargeIds.push(charge.chargeId);
  const payment: SimSuccessfulPayment = {
    currency: charge.currency,
    total_amount: charge.amount,
    invoice_payload: charge.payload,
    telegram_payment_charge_id: charge.chargeId,
    provider_payment_charge_id: charge.providerChargeId,
    ...(subscription
      ? { subscription_expiration_date: subscription.expiresAt, is_recurring: true as const, ...(subscription.chargeIds.length === 1 ? { is_first_recurring: true as const } : {}) }
      : {}),
  };
  if (charge.currency === 'XTR') {
    sim.starTransactions.push({
      id: charge.chargeId,
      amount: charge.amount,
      date: charge.date,
      source: {
        type: 'user',
        transaction_type: 'invoice_payment',
        user: sim.publicUser(user),
        invoice_payload: charge.payload,
        ...(subscription ? { subscription_period: subscription.period } : {}),
      },
    });
  }
  const message = sim.serviceMessage(sim.chatState(user.id), sim.publicUser(user), { successful_payment: payment });
  return { charge, message };
}

/** Telegram charges a subscriber again: a new charge id, is_recurring, the expiry moved on one period. */
export function renewStarSubscription(sim: SimState, chargeId: string): SimTgMessage {
  const subscription = sim.charges.get(chargeId)?.subscription;
  if (!subscription) throw new Error(`telegram sim: no Stars subscription with charge ${chargeId}`);
  if (subscription.canceledByBot || subscription.canceledByUser) {
    throw new Error(`telegram sim: the subscription of charge ${chargeId} is canceled; Telegram would not renew it`);
  }
  subscription.expiresAt += subscription.period;
  return recordCharge(sim, sim.userState(subscription.userId), subscription.invoice, subscription).message;
}

export function cancelSubscriptionByUser(sim: SimState, userId: number, chargeId: string): void {
  const subscription = sim.charges.get(chargeId)?.subscription;
  if (!subscription || subscription.userId !== userId) throw new Error(`telegram sim: user ${userId} has no subscription with charge ${chargeId}`);
  subscription.canceledByUser = true;
}

export function chargeSnapshot(charge: ChargeState): SimStarCharge {
  const subscription = charge.subscription;
  return {
    chargeId: charge.chargeId,
    userId: charge.userId,
    amount: charge.amount,
    payload: charge.payload,
    date: charge.date,
    refunded: charge.refunded,
    ...(subscription
      ? {
          subscription: {
            period: subscription.period,
            expiresAt: subscription.expiresAt,
            canceledByBot: subscription.canceledByBot,
            canceledByUser: subscription.canceledByUser,
            firstChargeId: subscription.chargeIds[0]!,
          },
        }
      : {}),
  };
}

export function starMethods(sim: SimState): Methods {
  return {
    refundStarPayment: (raw) => {
      const params = parse(schemas.refund, raw);
      const charge = sim.charges.get(params.telegram_payment_charge_id);
      if (!charge || charge.userId !== params.user_id || charge.currency !== 'XTR') throw badRequest('CHARGE_NOT_FOUND');
      if (charge.refunded) throw badRequest('CHARGE_ALREADY_REFUNDED');
      charge.refunded = true;
      const user = sim.userState(charge.userId);
      sim.starTransactions.push({
        id: charge.chargeId,
        amount: charge.amount,
        date: now(),
        receiver: { type: 'user', transaction_type: 'invoice_payment', user: sim.publicUser(user), invoice_payload: charge.payload },
      });
      sim.serviceMessage(sim.chatState(user.id), sim.bot, {
        refunded_payment: {
          currency: charge.currency,
          total_amount: charge.amount,
          invoice_payload: charge.payload,
          telegram_payment_charge_id: charge.chargeId,
          provider_payment_charge_id: charge.providerChargeId,
        },
      });
      return true;
    },
    editUserStarSubscription: (raw) => {
      const params = parse(schemas.editSubscription, raw);
      const subscription = sim.charges.get(params.telegram_payment_charge_id ?? '')?.subscription;
      if (!subscription || subscription.userId !== params.user_id) throw badRequest('CHARGE_ID_INVALID');
      subscription.canceledByBot = params.is_canceled ?? false;
      return true;
    },
    getStarTransactions: (raw) => {
      const params = parse(schemas.transactions, raw);
      const offset = Math.max(params.offset ?? 0, 0);
      const limit = Math.min(Math.max(params.limit ?? 100, 1), 100);
      return { transactions: [...sim.starTransactions].reverse().slice(offset, offset + limit) };
    },
  };
}
