/**
 * Refunds against a succeeded charge (named directly or through its PaymentIntent). `amount`
 * defaults to what remains; more than remains is Stripe's `amount_too_large`, a fully refunded
 * charge is `charge_already_refunded`, a disputed one `charge_disputed`. Emits `refund.created`
 * and `charge.refunded` (with `previous_attributes`).
 */
import type Stripe from 'stripe';
import { cleanMetadata } from './catalog.ts';
import { checkMetadata } from './checkout-rules.ts';
import { invalidRequest, noSuchObject } from './errors.ts';
import { newId } from './ids.ts';
import { type RangeParam, inRange, newestFirst, paginate } from './lists.ts';
import type { RequestInfo, SimCore } from './state.ts';
import { requireInteger } from './validation.ts';

export function getRefund(core: SimCore, id: string): Stripe.Refund {
  const refund = core.state.refunds.get(id);
  if (!refund) throw noSuchObject('refund', id, 'refund');
  return refund;
}

/** GET /v1/refunds filtered by charge, payment_intent and created. */
export function listRefunds(core: SimCore, params: Stripe.RefundListParams) {
  const matches = newestFirst(core.state.refunds.values()).filter(
    (refund) =>
      (!params.charge || refund.charge === params.charge) &&
      (!params.payment_intent || refund.payment_intent === params.payment_intent) &&
      inRange(refund.created, params.created as RangeParam | undefined),
  );
  return paginate(matches, params, '/v1/refunds', 'refund');
}

export function getCharge(core: SimCore, id: string, param = 'charge'): Stripe.Charge {
  const charge = core.state.charges.get(id);
  if (!charge) throw noSuchObject('charge', id, param);
  return charge;
}

export function getPaymentIntent(core: SimCore, id: string, param = 'intent'): Stripe.PaymentIntent {
  const intent = core.state.paymentIntents.get(id);
  if (!intent) throw noSuchObject('payment_intent', id, param);
  return intent;
}

/** Resolves `charge` / `payment_intent` to the charge to refund, with Stripe's errors. */
export function chargeToRefund(core: SimCore, params: { charge?: string; payment_intent?: string }): Stripe.Charge {
  if (!params.charge && !params.payment_intent) {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', {
      param: 'charge',
    });
  }
  let charge = params.charge ? getCharge(core, params.charge) : undefined;
  if (params.payment_intent) {
    const intent = getPaymentIntent(core, params.payment_intent, 'payment_intent');
    if (intent.status !== 'succeeded' || !intent.latest_charge) {
      throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, {
        param: 'payment_intent',
      });
    }
    if (charge && charge.payment_intent !== intent.id) {
      throw invalidRequest(`Charge ${charge.id} does not belong to PaymentIntent ${intent.id}.`, { param: 'charge' });
    }
    charge ??= getCharge(core, String(intent.latest_charge));
  }
  if (!charge) throw new Error('unreachable');
  return charge;
}

export function createRefund(
  core: SimCore,
  params: Stripe.RefundCreateParams,
  request: RequestInfo,
): Stripe.Refund {
  const charge = chargeToRefund(core, params);
  checkMetadata(params.metadata, 'metadata');
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (charge.status !== 'succeeded') {
    throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, { param: 'charge' });
  }
  if (charge.disputed && openDispute(core, charge.id)) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, {
      param: 'charge',
      code: 'charge_disputed',
    });
  }
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  }
  const amount = requireInteger(params.amount, 'amount', { min: 1 }) ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`,
      { param: 'amount', code: 'amount_too_large' },
    );
  }
  const refund = {
    id: newId('re'),
    object: 'refund',
    amount,
    balance_transaction: newId('txn'),
    charge: charge.id,
    created: core.clock.unix(),
    currency: charge.currency,
    customer: charge.customer,
    customer_account: null,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: cleanMetadata(params.metadata),
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: (params.reason as Stripe.Refund.Reason | undefined) ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  } satisfies Stripe.Refund;
  core.state.refunds.set(refund.id, refund);
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount_captured;
  core.emit('refund.created', refund, { request });
  core.emit('charge.refunded', charge, {
    request,
    previous: charge.refunded ? previous : { amount_refunded: previous.amount_refunded },
  });
  return refund;
}

function openDispute(core: SimCore, chargeId: string) {
  for (const dispute of core.state.disputes.values()) {
    if (dispute.charge === chargeId && dispute.status !== 'won' && dispute.status !== 'lost') return dispute;
  }
  return undefined;
}

function money(amount: number, currency: string) {
  const value = (amount / 100).toFixed(2);
  return currency === 'usd' ? `$${value}` : `${value} ${currency.toUpperCase()}`;
}
