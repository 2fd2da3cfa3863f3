import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StripeWorld, monthlyCheckout, oneTimeCheckout, startStripeWorld } from './fixtures.ts';

let world: StripeWorld;
beforeEach(async () => {
  // Tests here move the sim clock; the receiver verifies signatures at sim time.
  world = await startStripeWorld({ receiver: { now: () => world.sim.clock.unix() } });
});
afterEach(async () => {
  await world.close();
});

async function subscribe() {
  const session = await world.stripe.checkout.sessions.create(monthlyCheckout());
  return world.sim.completeCheckout(session.id);
}

const typesOf = (ids: string[]) => ids.map((id) => world.sim.events().find((event) => event.id === id)?.type);

describe('subscription lifecycle', () => {
  it('renews into the next period with a paid cycle invoice', async () => {
    const { sim, stripe } = world;
    const { subscriptionId } = await subscribe();
    const before = await stripe.subscriptions.retrieve(String(subscriptionId));
    const renewal = sim.renewSubscription(String(subscriptionId));
    expect(typesOf(renewal.eventIds)).toEqual([
      'invoice.created', 'customer.subscription.updated', 'invoice.finalized',
      'payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded', 'invoice.paid', 'invoice.payment_succeeded',
    ]);
    const after = await stripe.subscriptions.retrieve(String(subscriptionId));
    expect(after.items.data[0]!.current_period_start).toBe(before.items.data[0]!.current_period_end);
    expect(sim.clock.unix()).toBeLessThan(before.items.data[0]!.current_period_end);
    const invoice = await stripe.invoices.retrieve(String(renewal.invoiceId));
    expect(invoice).toMatchObject({ status: 'paid', billing_reason: 'subscription_cycle', amount_paid: 1500 });
    expect(invoice.created).toBe(before.items.data[0]!.current_period_end);
    const periodChange = sim.events().find((e) => e.id === renewal.eventIds[1]) as Stripe.CustomerSubscriptionUpdatedEvent;
    expect(periodChange.data.previous_attributes?.items?.data[0]?.current_period_end).toBe(before.items.data[0]!.current_period_end);
    const invoices = await stripe.invoices.list({ subscription: String(subscriptionId), status: 'paid', expand: ['data.payments'] });
    expect(invoices.data.map((i) => i.billing_reason)).toEqual(['subscription_cycle', 'subscription_create']);
    expect(invoices.data[0]?.payments?.data[0]?.status).toBe('paid');
    await sim.webhooks.idle();
    expect(world.receiver.requests.every((request) => request.verifyError === null)).toBe(true);
  });

  it('goes past_due when a renewal payment fails', async () => {
    const { sim, stripe } = world;
    const { subscriptionId } = await subscribe();
    const failure = sim.failRenewal(String(subscriptionId));
    expect(typesOf(failure.eventIds)).toEqual(expect.arrayContaining(['charge.failed', 'invoice.payment_failed']));
    const subscription = await stripe.subscriptions.retrieve(String(subscriptionId));
    expect(subscription.status).toBe('past_due');
    const invoice = await stripe.invoices.retrieve(String(failure.invoiceId));
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1, amount_remaining: 1500 });
    const lastUpdate = sim.events('customer.subscription.updated').at(-1)!;
    expect(lastUpdate.data.previous_attributes).toEqual({ status: 'active' });
    const retry = sim.renewSubscription(String(subscriptionId));
    expect(retry.invoiceId).toBe(failure.invoiceId);
    expect(sim.subscription(String(subscriptionId)).status).toBe('active');
    expect(sim.invoice(String(failure.invoiceId))).toMatchObject({ status: 'paid', attempt_count: 2 });
  });

  it('cancels at period end through the API, then ends when the period passes', async () => {
    const { sim, stripe } = world;
    const { subscriptionId } = await subscribe();
    const id = String(subscriptionId);
    const updated = await stripe.subscriptions.update(id, { cancel_at_period_end: true, metadata: { why: 'moving' } });
    expect(updated).toMatchObject({ cancel_at_period_end: true, status: 'active', metadata: { community_id: 'c1', why: 'moving' } });
    const event = sim.events('customer.subscription.updated').at(-1)!;
    expect(event.data.previous_attributes).toMatchObject({ cancel_at_period_end: false, cancel_at: null });
    expect(event.request).toMatchObject({ id: expect.stringMatching(/^req_/), idempotency_key: expect.stringMatching(/^stripe-node-retry-/) });
    await expect(stripe.subscriptions.update(id, { items: [{ price: 'price_x' }] })).rejects.toThrow(/does not support/);
    sim.clock.advance(32 * 24 * 3600 * 1000);
    expect(sim.subscription(id).status).toBe('canceled');
    expect(sim.events('customer.subscription.deleted')).toHaveLength(1);
  });

  it('cancels now with DELETE and by the scripted customer', async () => {
    const { sim, stripe } = world;
    const first = await subscribe();
    const canceled = await stripe.subscriptions.cancel(String(first.subscriptionId));
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'cancellation_requested' } });
    await expect(stripe.subscriptions.cancel(String(first.subscriptionId))).rejects.toMatchObject({ statusCode: 404 });
    const second = await subscribe();
    sim.cancelSubscription(String(second.subscriptionId), { atPeriodEnd: true });
    expect(sim.subscription(String(second.subscriptionId)).cancel_at_period_end).toBe(true);
    const ended = sim.renewSubscription(String(second.subscriptionId));
    expect(typesOf(ended.eventIds)).toEqual(['customer.subscription.deleted']);
  });
});

describe('refunds and disputes', () => {
  async function paid() {
    const session = await world.stripe.checkout.sessions.create(oneTimeCheckout());
    return world.sim.completeCheckout(session.id);
  }

  it('refunds partially, then the rest, then refuses more', async () => {
    const { stripe, sim } = world;
    const { paymentIntentId, chargeId } = await paid();
    const partial = await stripe.refunds.create({ payment_intent: String(paymentIntentId), amount: 1000, reason: 'requested_by_customer' });
    expect(partial).toMatchObject({ amount: 1000, status: 'succeeded', charge: chargeId });
    const tooMuch = stripe.refunds.create({ charge: String(chargeId), amount: 5000 });
    await expect(tooMuch).rejects.toMatchObject({ code: 'amount_too_large', param: 'amount', statusCode: 400 });
    const rest = await stripe.refunds.create({ charge: String(chargeId) });
    expect(rest.amount).toBe(3900);
    await expect(stripe.refunds.create({ charge: String(chargeId) })).rejects.toMatchObject({
      code: 'charge_already_refunded',
      message: `Charge ${chargeId} has already been refunded.`,
    });
    const charge = await stripe.charges.retrieve(String(chargeId));
    expect(charge).toMatchObject({ amount_refunded: 4900, refunded: true });
    const refunded = sim.events('charge.refunded');
    expect(refunded.map((e) => e.data.previous_attributes)).toEqual([
      { amount_refunded: 0 },
      { amount_refunded: 1000, refunded: false },
    ]);
    expect((await stripe.refunds.retrieve(partial.id)).amount).toBe(1000);
    const listed = await stripe.refunds.list({ payment_intent: String(paymentIntentId) });
    expect(listed.data.map((r) => r.amount)).toEqual([3900, 1000]);
    expect(sim.events('refund.created')).toHaveLength(2);
  });

  it('refunds from the dashboard, and refuses refunds on a disputed charge', async () => {
    const { sim, stripe } = world;
    const { chargeId, paymentIntentId } = await paid();
    const { refundId } = sim.refund(String(paymentIntentId), 900);
    expect(sim.refunds().find((r) => r.id === refundId)?.amount).toBe(900);
    const { disputeId } = sim.dispute(String(chargeId));
    await expect(stripe.refunds.create({ charge: String(chargeId) })).rejects.toMatchObject({ code: 'charge_disputed' });
    const lost = sim.closeDispute(String(disputeId), 'lost');
    expect(typesOf(lost.eventIds)).toEqual(['charge.dispute.closed']);
    expect(sim.disputes()[0]).toMatchObject({ status: 'lost', amount: 4000 });
    const listed = await stripe.disputes.list({ payment_intent: String(paymentIntentId) });
    expect(listed.data.map((d) => d.id)).toEqual([disputeId]);
    expect((await stripe.disputes.retrieve(String(disputeId))).status).toBe('lost');
  });

  it('reinstates funds when a dispute is won', async () => {
    const { sim } = world;
    const { chargeId } = await paid();
    const opened = sim.dispute(String(chargeId));
    expect(typesOf(opened.eventIds)).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn']);
    const won = sim.closeDispute(String(opened.disputeId), 'won');
    expect(typesOf(won.eventIds)).toEqual(['charge.dispute.funds_reinstated', 'charge.dispute.closed']);
    const closed = sim.events('charge.dispute.closed')[0] as Stripe.ChargeDisputeClosedEvent;
    expect(closed.data.object.status).toBe('won');
    expect(closed.data.previous_attributes).toEqual({ status: 'needs_response' });
  });
});
