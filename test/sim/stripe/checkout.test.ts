import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StripeWorld, monthlyCheckout, oneTimeCheckout, startStripeWorld } from './fixtures.ts';

let world: StripeWorld;
beforeEach(async () => {
  world = await startStripeWorld();
});
afterEach(async () => {
  await world.close();
});

describe('checkout in payment mode', () => {
  it('completes end to end with signed webhooks the real client verifies', async () => {
    const { sim, stripe, receiver } = world;
    const session = await stripe.checkout.sessions.create(
      oneTimeCheckout({ payment_intent_data: { metadata: { order: 'o-1' } } }),
    );
    expect(session).toMatchObject({ status: 'open', payment_status: 'unpaid', amount_total: 4900, currency: 'usd' });
    expect(session.url).toBe(`${sim.url}/checkout/${session.id}`);
    expect(session.id).toMatch(/^cs_test_/);

    const result = sim.completeCheckout(session.id, { email: 'ada@example.com' });
    await sim.webhooks.idle();

    expect(receiver.requests.every((request) => request.verifyError === null)).toBe(true);
    expect(receiver.types().sort()).toEqual(
      ['charge.succeeded', 'checkout.session.completed', 'payment_intent.created', 'payment_intent.succeeded'].sort(),
    );
    const completed = receiver.events().find((event) => event.type === 'checkout.session.completed') as
      | Stripe.CheckoutSessionCompletedEvent
      | undefined;
    expect(completed?.data.object).toMatchObject({
      id: session.id,
      payment_status: 'paid',
      client_reference_id: 'member_42',
      metadata: { product_id: 'prod-1' },
      payment_intent: result.paymentIntentId,
      customer: null,
    });
    expect(completed).toMatchObject({ api_version: '2026-10-28.endive', livemode: false, request: { id: null } });
    const request = receiver.requests[0]!;
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.headers['user-agent']).toMatch(/^Stripe\/1\.0/);

    const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items', 'payment_intent.latest_charge'] });
    expect(expanded.line_items?.data[0]).toMatchObject({ quantity: 1, amount_total: 4900, description: 'Course: Intro to Greek' });
    const intent = expanded.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({ status: 'succeeded', amount_received: 4900, metadata: { order: 'o-1' } });
    expect((intent.latest_charge as Stripe.Charge).id).toBe(result.chargeId);
    const lineItems = await stripe.checkout.sessions.listLineItems(session.id);
    expect(lineItems.data).toHaveLength(1);
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toThrow(/status of `open`/);
  });

  it('reports an async payment as unpaid, then as succeeded or failed', async () => {
    const { sim, stripe, receiver } = world;
    const paid = await stripe.checkout.sessions.create(oneTimeCheckout());
    sim.completeCheckout(paid.id, { asyncPayment: 'succeed' });
    const failed = await stripe.checkout.sessions.create(oneTimeCheckout());
    sim.completeCheckout(failed.id, { asyncPayment: 'pending' });
    sim.settleAsyncPayment(failed.id, 'fail');
    await sim.webhooks.idle();
    const byType = (type: string, id: string) =>
      receiver.events().find((e) => e.type === type && (e.data.object as { id: string }).id === id)?.data.object as
        | Stripe.Checkout.Session
        | undefined;
    expect(byType('checkout.session.completed', paid.id)?.payment_status).toBe('unpaid');
    expect(byType('checkout.session.async_payment_succeeded', paid.id)?.payment_status).toBe('paid');
    expect(byType('checkout.session.async_payment_failed', failed.id)?.payment_status).toBe('unpaid');
    expect(receiver.types()).toContain('payment_intent.payment_failed');
  });

  it('expires on request, when abandoned, and when the clock passes expires_at', async () => {
    const { sim, stripe } = world;
    const viaApi = await stripe.checkout.sessions.create(oneTimeCheckout());
    const abandoned = await stripe.checkout.sessions.create(oneTimeCheckout());
    const timed = await stripe.checkout.sessions.create(oneTimeCheckout({ expires_at: sim.clock.unix() + 3600 }));
    expect((await stripe.checkout.sessions.expire(viaApi.id)).status).toBe('expired');
    sim.abandonCheckout(abandoned.id);
    sim.clock.advance(3601 * 1000);
    expect(sim.session(timed.id)).toMatchObject({ status: 'expired', url: null });
    const expired = sim.events('checkout.session.expired');
    expect(expired.map((event) => (event.data.object as Stripe.Checkout.Session).id)).toEqual([viaApi.id, abandoned.id, timed.id]);
    expect(expired[0]?.request?.id).toMatch(/^req_/);
    expect(() => sim.completeCheckout(timed.id)).toThrow(/expired/);
  });
});

describe('checkout in subscription mode', () => {
  it('creates customer, subscription and a paid first invoice reached through parent and payments', async () => {
    const { sim, stripe, receiver } = world;
    const session = await stripe.checkout.sessions.create(monthlyCheckout());
    const result = sim.completeCheckout(session.id);
    await sim.webhooks.idle();
    expect(receiver.types()).toEqual(expect.arrayContaining([
      'customer.created', 'customer.subscription.created', 'invoice.created', 'invoice.finalized', 'invoice.paid',
      'invoice.payment_succeeded', 'customer.subscription.updated', 'checkout.session.completed',
    ]));
    const created = sim.events('customer.subscription.created')[0]?.data.object as Stripe.Subscription;
    expect(created.status).toBe('incomplete');
    const updated = sim.events('customer.subscription.updated')[0]!;
    expect(updated.data.previous_attributes).toEqual({ status: 'incomplete' });

    const retrieved = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] });
    const subscription = retrieved.subscription as Stripe.Subscription;
    expect(subscription).toMatchObject({ id: result.subscriptionId, status: 'active', metadata: { community_id: 'c1' } });
    const item = subscription.items.data[0]!;
    expect(item.current_period_end).toBeGreaterThan(item.current_period_start);
    const invoice = await stripe.invoices.retrieve(String(subscription.latest_invoice), { expand: ['payments'] });
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 1500, billing_reason: 'subscription_create' });
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(invoice.payments?.data[0]?.payment).toEqual({ type: 'payment_intent', payment_intent: result.paymentIntentId });
    expect(invoice.lines.data[0]?.pricing?.price_details?.price).toBe(item.price.id);
  });

  it('starts a trial with a $0 invoice and no payment', async () => {
    const { sim, stripe } = world;
    const session = await stripe.checkout.sessions.create(
      monthlyCheckout({ subscription_data: { trial_period_days: 14 } }),
    );
    const result = sim.completeCheckout(session.id);
    const subscription = await stripe.subscriptions.retrieve(String(result.subscriptionId));
    expect(subscription.status).toBe('trialing');
    expect(subscription.trial_end! - subscription.trial_start!).toBe(14 * 24 * 3600);
    const invoice = await stripe.invoices.retrieve(String(result.invoiceId));
    expect(invoice).toMatchObject({ status: 'paid', total: 0 });
    expect(result.paymentIntentId).toBeNull();
    expect(sim.session(session.id).payment_status).toBe('no_payment_required');
  });

  it('creates a billing portal session for the customer', async () => {
    const { sim, stripe } = world;
    const session = await stripe.checkout.sessions.create(monthlyCheckout());
    const { customerId } = sim.completeCheckout(session.id);
    const portal = await stripe.billingPortal.sessions.create({ customer: String(customerId), return_url: 'https://lyceum.test/me' });
    expect(portal.url.startsWith(sim.url)).toBe(true);
    await expect(stripe.billingPortal.sessions.create({ customer: 'cus_missing' })).rejects.toMatchObject({
      code: 'resource_missing',
    });
  });

  it('keeps an async subscription incomplete until the payment settles', async () => {
    const { sim, stripe } = world;
    const session = await stripe.checkout.sessions.create(monthlyCheckout());
    const result = sim.completeCheckout(session.id, { asyncPayment: 'pending' });
    expect(sim.subscription(String(result.subscriptionId)).status).toBe('incomplete');
    expect(sim.session(session.id).payment_status).toBe('unpaid');
    sim.settleAsyncPayment(session.id, 'succeed');
    expect(sim.subscription(String(result.subscriptionId)).status).toBe('active');
    expect((await stripe.invoices.retrieve(String(result.invoiceId))).status).toBe('paid');
    expect(sim.events('checkout.session.async_payment_succeeded')).toHaveLength(1);
  });
});

describe('hosted checkout page', () => {
  it('shows the session and pays it, redirecting to success_url', async () => {
    const { sim, stripe } = world;
    const session = await stripe.checkout.sessions.create(oneTimeCheckout());
    const page = await fetch(String(session.url));
    expect(await page.text()).toContain('Course: Intro to Greek');
    const pay = await fetch(`${session.url}/pay`, { method: 'POST', redirect: 'manual' });
    expect(pay.status).toBe(303);
    expect(pay.headers.get('location')).toBe(`https://lyceum.test/paid?session=${session.id}`);
    expect(sim.session(session.id).status).toBe('complete');
  });
});
