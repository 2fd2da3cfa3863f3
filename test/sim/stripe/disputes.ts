/**
 * Disputes (chargebacks), raised by the scripted customer's bank. Opening one withdraws the
 * disputed amount (`charge.dispute.created`, `charge.dispute.funds_withdrawn`); closing it `won`
 * reinstates the funds (`charge.dispute.funds_reinstated`), `lost` keeps them withdrawn; both
 * end with `charge.dispute.closed`.
 */
import type Stripe from 'stripe';
import { noSuchObject } from './errors.ts';
import { newId } from './ids.ts';
import { type RangeParam, inRange, newestFirst, paginate } from './lists.ts';
import { getCharge } from './refunds.ts';
import { type SimCore, noRequest } from './state.ts';

export function getDispute(core: SimCore, id: string): Stripe.Dispute {
  const dispute = core.state.disputes.get(id);
  if (!dispute) throw noSuchObject('dispute', id, 'dispute');
  return dispute;
}

/** GET /v1/disputes filtered by charge, payment_intent and created. */
export function listDisputes(core: SimCore, params: Stripe.DisputeListParams) {
  const matches = newestFirst(core.state.disputes.values()).filter(
    (dispute) =>
      (!params.charge || dispute.charge === params.charge) &&
      (!params.payment_intent || dispute.payment_intent === params.payment_intent) &&
      inRange(dispute.created, params.created as RangeParam | undefined),
  );
  return paginate(matches, params, '/v1/disputes', 'dispute');
}

export function openDispute(core: SimCore, chargeId: string, reason = 'fraudulent'): Stripe.Dispute {
  const charge = getCharge(core, chargeId);
  if (charge.status !== 'succeeded') throw new Error(`charge ${chargeId} has not succeeded; nothing to dispute`);
  if (charge.disputed) throw new Error(`charge ${chargeId} is already disputed`);
  const now = core.clock.unix();
  const dispute = {
    id: newId('dp'),
    object: 'dispute',
    amount: charge.amount - charge.amount_refunded,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: {
      due_by: now + 7 * 24 * 3600,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason,
    status: 'needs_response',
  } satisfies Stripe.Dispute;
  core.state.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  core.emit('charge.dispute.created', dispute, { request: noRequest });
  core.emit('charge.dispute.funds_withdrawn', dispute, { request: noRequest });
  return dispute;
}

export function closeDispute(core: SimCore, disputeId: string, outcome: 'won' | 'lost'): Stripe.Dispute {
  const dispute = getDispute(core, disputeId);
  if (dispute.status === 'won' || dispute.status === 'lost') throw new Error(`dispute ${disputeId} is already closed`);
  const previous = { status: dispute.status };
  dispute.status = outcome;
  if (outcome === 'won') core.emit('charge.dispute.funds_reinstated', dispute, { request: noRequest });
  core.emit('charge.dispute.closed', dispute, { request: noRequest, previous });
  return dispute;
}

function emptyEvidence(): Stripe.Dispute.Evidence {
  return {
    access_activity_log: null,
    billing_address: null,
    cancellation_policy: null,
    cancellation_policy_disclosure: null,
    cancellation_rebuttal: null,
    customer_communication: null,
    customer_email_address: null,
    customer_name: null,
    customer_purchase_ip: null,
    customer_signature: null,
    duplicate_charge_documentation: null,
    duplicate_charge_explanation: null,
    duplicate_charge_id: null,
    enhanced_evidence: {},
    product_description: null,
    receipt: null,
    refund_policy: null,
    refund_policy_disclosure: null,
    refund_refusal_explanation: null,
    service_date: null,
    service_documentation: null,
    shipping_address: null,
    shipping_carrier: null,
    shipping_date: null,
    shipping_documentation: null,
    shipping_tracking_number: null,
    uncategorized_file: null,
    uncategorized_text: null,
  };
}
