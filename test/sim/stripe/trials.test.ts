import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StripeWorld, monthlyCheckout, oneTimeCheckout, startStripeWorld } from './fixtures.ts';

let world: StripeWorld;
beforeEach(async () => {
  // Trial ends are stamped at the trial end; the receiver verifies signatures at sim time.
  world = await startStripeWorld({ receiver: { now: () => world.sim.clock.unix() } });
});
afterEach(async () => {
  await world.close();
});

type MissingPaymentMethod = Stripe.Checkout.SessionCreateParams.SubscriptionData.TrialSettings.EndBehavior.MissingPaymentMethod;

function cardlessTrial(missing: MissingPaymentMethod, overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  return monthlyCheckout({
    payment_method_collection: 'if_required',
    subscription_data: { trial_period_days: 14, trial_settings: { end_behavior: { missing_payment_method: missing } } },
    ...overrides,
  });
}

const typesOf = (ids: string[]) => ids.map((id) => world.sim.events().find((event) => event.id === id)?.type);

describe('trials without a payment method', () => {
  it('copies the settings onto the session and the subscription', async () => {
    const { stripe, sim } = world;
    const session = await stripe.checkout.sessions.create(cardlessTrial('pause'));
    expect(session.payment_method_collection).toBe('if_required');
    const { subscriptionId } = sim.completeCheckout(session.id, { paymentMethod: false });
    const subscription = await stripe.subscriptions.retrieve(String(subscriptionId));
    expect(subscription).toMatchObject({ status: 'trialing', trial_settings: { end_behavior: { missing_payment_method: 'pause' } } });
    expect(sim.session(session.id).payment_status).toBe('no_payment_required');
  });

  it('cancels at the trial end without charging when set to cancel', async () => {
    const { stripe, sim } = world;
    const session = await stripe.checkout.sessions.create(cardlessTrial('cancel'));
    const { subscriptionId } = sim.completeCheckout(session.id, { paymentMethod: false });
    const id = String(subscriptionId);
    const trialEnd = sim.subscription(id).trial_end!;
    const ended = sim.endTrial(id);
    expect(typesOf(ended.eventIds)).toEqual(['customer.subscription.deleted']);
    expect(await stripe.subscriptions.retrieve(id)).toMatchObject({
      status: 'canceled', canceled_at: trialEnd, ended_at: trialEnd, cancellation_details: { reason: 'cancellation_requested' },
    });
    expect(sim.charges()).toHaveLength(0);
    const invoices = await stripe.invoices.list({ subscription: id });
    expect(invoices.data.map((invoice) => invoice.billing_reason)).toEqual(['subscription_create']);
    expect(() => sim.endTrial(id)).toThrow(/canceled/);
  });

  it('pauses at the trial end when set to pause', async () => {
    const { stripe, sim } = world;
    const session = await stripe.checkout.sessions.create(cardlessTrial('pause'));
    const { subscriptionId } = sim.completeCheckout(session.id, { paymentMethod: false });
    const id = String(subscriptionId);
    const ended = sim.endTrial(id);
    expect(typesOf(ended.eventIds)).toEqual(['customer.subscription.updated', 'customer.subscription.paused']);
    const subscription = await stripe.subscriptions.retrieve(id);
    expect(subscription).toMatchObject({
      status: 'paused',
      pause_collection: null,
      status_details: { paused: { type: 'subscription', subscription: { type: 'trial_end_without_payment_method' } } },
    });
    expect(sim.charges()).toHaveLength(0);
    expect(() => sim.renewSubscription(id)).toThrow(/paused/);
  });

  it('leaves the first invoice open and the subscription past_due when set to create_invoice', async () => {
    const { sim } = world;
    const session = await world.stripe.checkout.sessions.create(cardlessTrial('create_invoice'));
    const { subscriptionId } = sim.completeCheckout(session.id, { paymentMethod: false });
    const ended = sim.endTrial(String(subscriptionId));
    expect(sim.invoice(String(ended.invoiceId))).toMatchObject({ status: 'open', amount_due: 1500, amount_paid: 0, attempted: true });
    expect(sim.paymentIntent(String(ended.paymentIntentId)).status).toBe('requires_payment_method');
    expect(ended.chargeId).toBeNull();
    expect(typesOf(ended.eventIds)).toContain('invoice.payment_failed');
    expect(sim.subscription(String(subscriptionId)).status).toBe('past_due');
    expect(sim.charges()).toHaveLength(0);
  });

  it('charges at the trial end and becomes active when the customer gave a card', async () => {
    const { sim } = world;
    const session = await world.stripe.checkout.sessions.create(cardlessTrial('cancel'));
    const { subscriptionId } = sim.completeCheckout(session.id);
    const ended = sim.endTrial(String(subscriptionId));
    expect(sim.subscription(String(subscriptionId)).status).toBe('active');
    expect(sim.invoice(String(ended.invoiceId))).toMatchObject({ status: 'paid', amount_paid: 1500 });
    expect(sim.charge(String(ended.chargeId))).toMatchObject({ amount: 1500, status: 'succeeded' });
  });

  it('applies a once coupon to the first invoice after the trial', async () => {
    const { stripe, sim } = world;
    await stripe.coupons.create({ id: 'AFTERTRIAL', percent_off: 50, duration: 'once' });
    const session = await stripe.checkout.sessions.create(cardlessTrial('cancel', { discounts: [{ coupon: 'AFTERTRIAL' }] }));
    const { subscriptionId, invoiceId } = sim.completeCheckout(session.id);
    expect(sim.invoice(String(invoiceId))).toMatchObject({ total: 0, total_discount_amounts: [] });
    const ended = sim.endTrial(String(subscriptionId));
    expect(sim.invoice(String(ended.invoiceId)).amount_paid).toBe(750);
    expect(sim.invoice(String(sim.renewSubscription(String(subscriptionId)).invoiceId)).amount_paid).toBe(1500);
  });

  it('refuses to skip the payment method where Checkout would collect one', async () => {
    const { stripe, sim } = world;
    const always = await stripe.checkout.sessions.create(monthlyCheckout({ subscription_data: { trial_period_days: 7 } }));
    expect(() => sim.completeCheckout(always.id, { paymentMethod: false })).toThrow(/payment_method_collection 'always'/);
    const due = await stripe.checkout.sessions.create(monthlyCheckout({ payment_method_collection: 'if_required' }));
    expect(() => sim.completeCheckout(due.id, { paymentMethod: false })).toThrow(/1500 usd due now/);
    const payment = await stripe.checkout.sessions.create(oneTimeCheckout());
    expect(() => sim.completeCheckout(payment.id, { paymentMethod: false })).toThrow(/payment mode/);
    expect(sim.session(due.id).status).toBe('open');
    await expect(
      stripe.checkout.sessions.create(oneTimeCheckout({ payment_method_collection: 'if_required' })),
    ).rejects.toMatchObject({ param: 'payment_method_collection' });
    const trialing = sim.completeCheckout(always.id);
    expect(() => sim.endTrial(String(trialing.subscriptionId))).not.toThrow();
    expect(() => sim.endTrial(String(trialing.subscriptionId))).toThrow(/not trialing/);
  });
});
