/**
 * PaymentIntents and Charges: what a card payment leaves behind. A payment either succeeds
 * (PI `succeeded`, charge `succeeded`), is still processing (async methods: PI `processing`,
 * charge `pending`), or fails (PI back to `requires_payment_method`, charge `failed`).
 */
import type Stripe from 'stripe';
import { newId, randomToken } from './ids.ts';
import type { RequestInfo, SimCore } from './state.ts';

export type PaymentOutcome = 'succeeded' | 'processing' | 'failed';

export interface PaymentInput {
  amount: number;
  currency: string;
  customer: string | null;
  email: string | null;
  description: string | null;
  metadata: Stripe.Metadata;
}

/** Creates a PaymentIntent awaiting payment and emits `payment_intent.created`. */
export function createPaymentIntent(core: SimCore, input: PaymentInput, request: RequestInfo): Stripe.PaymentIntent {
  const id = newId('pi');
  const intent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${id}_secret_${randomToken(24)}`,
    confirmation_method: 'automatic',
    created: core.clock.unix(),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: { ...input.metadata },
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: input.email,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_group: null,
  } satisfies Stripe.PaymentIntent;
  core.state.paymentIntents.set(id, intent);
  core.emit('payment_intent.created', intent, { request });
  return intent;
}

/**
 * Attempts the payment: a charge on a test card, with the events Stripe emits
 * (`charge.succeeded|pending|failed`, then `payment_intent.succeeded|processing|payment_failed`).
 */
export function attemptPayment(
  core: SimCore,
  intent: Stripe.PaymentIntent,
  outcome: PaymentOutcome,
  request: RequestInfo,
): Stripe.Charge {
  const charge = buildCharge(core, intent, outcome);
  core.state.charges.set(charge.id, charge);
  intent.latest_charge = charge.id;
  intent.payment_method = charge.payment_method;
  if (outcome === 'succeeded') {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    core.emit('charge.succeeded', charge, { request });
    core.emit('payment_intent.succeeded', intent, { request });
  } else if (outcome === 'processing') {
    intent.status = 'processing';
    core.emit('charge.pending', charge, { request });
    core.emit('payment_intent.processing', intent, { request });
  } else {
    intent.status = 'requires_payment_method';
    intent.last_payment_error = {
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
      charge: charge.id,
    } as Stripe.PaymentIntent.LastPaymentError;
    core.emit('charge.failed', charge, { request });
    core.emit('payment_intent.payment_failed', intent, { request });
  }
  return charge;
}

/** Settles a `processing` payment (async methods) as succeeded or failed. */
export function settlePayment(core: SimCore, intent: Stripe.PaymentIntent, succeeded: boolean, request: RequestInfo) {
  const charge = core.state.charges.get(String(intent.latest_charge));
  if (!charge || intent.status !== 'processing') throw new Error(`payment ${intent.id} is not processing`);
  const previous = { status: charge.status, paid: charge.paid };
  if (succeeded) {
    Object.assign(charge, { status: 'succeeded', paid: true, captured: true, amount_captured: charge.amount });
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    core.emit('charge.succeeded', charge, { request, previous });
    core.emit('payment_intent.succeeded', intent, { request });
  } else {
    Object.assign(charge, { status: 'failed', failure_code: 'insufficient_funds', failure_message: 'Insufficient funds.' });
    intent.status = 'requires_payment_method';
    core.emit('charge.failed', charge, { request, previous });
    core.emit('payment_intent.payment_failed', intent, { request });
  }
  return charge;
}

function buildCharge(core: SimCore, intent: Stripe.PaymentIntent, outcome: PaymentOutcome): Stripe.Charge {
  const succeeded = outcome === 'succeeded';
  const id = newId('ch');
  return {
    id,
    object: 'charge',
    amount: intent.amount,
    amount_captured: succeeded ? intent.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded ? newId('txn') : null,
    billing_details: { address: null, email: intent.receipt_email, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: 'LYCEUM SIM',
    captured: succeeded,
    created: core.clock.unix(),
    currency: intent.currency,
    customer: typeof intent.customer === 'string' ? intent.customer : null,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: outcome === 'failed' ? 'card_declined' : null,
    failure_message: outcome === 'failed' ? 'Your card has insufficient funds.' : null,
    fraud_details: {},
    livemode: false,
    metadata: { ...intent.metadata },
    on_behalf_of: null,
    outcome: null,
    paid: succeeded,
    payment_intent: intent.id,
    payment_method: newId('pm'),
    payment_method_details: null,
    receipt_email: intent.receipt_email,
    receipt_number: null,
    receipt_url: `${core.baseUrl()}/receipts/${id}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: outcome === 'processing' ? 'pending' : outcome === 'succeeded' ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  } satisfies Stripe.Charge;
}
