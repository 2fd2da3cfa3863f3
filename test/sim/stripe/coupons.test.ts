import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StripeWorld, monthlyCheckout, oneTimeCheckout, startStripeWorld } from './fixtures.ts';

let world: StripeWorld;
beforeEach(async () => {
  // Renewals are stamped at period ends; the receiver verifies signatures at sim time.
  world = await startStripeWorld({ receiver: { now: () => world.sim.clock.unix() } });
});
afterEach(async () => {
  await world.close();
});

const withCoupon = (coupon: string) => ({ discounts: [{ coupon }] });

async function subscribeWith(coupon: string) {
  const session = await world.stripe.checkout.sessions.create(monthlyCheckout(withCoupon(coupon)));
  const result = world.sim.completeCheckout(session.id);
  return { session, ...result, subscriptionId: String(result.subscriptionId), invoiceId: String(result.invoiceId) };
}

/** Amounts paid by the first invoice and the next `renewals` cycle invoices. */
function amountsPaid(subscriptionId: string, firstInvoiceId: string, renewals: number) {
  const paid = [world.sim.invoice(firstInvoiceId).amount_paid];
  for (let i = 0; i < renewals; i += 1) {
    const { invoiceId } = world.sim.renewSubscription(subscriptionId);
    paid.push(world.sim.invoice(String(invoiceId)).amount_paid);
  }
  return paid;
}

describe('coupons API', () => {
  it('creates, retrieves and deletes a coupon', async () => {
    const { stripe, sim } = world;
    const coupon = await stripe.coupons.create({ id: 'SPRING25', percent_off: 25, duration: 'once', name: 'Spring', metadata: { a: '1' } });
    expect(coupon).toMatchObject({
      id: 'SPRING25', object: 'coupon', percent_off: 25, amount_off: null, currency: null, duration: 'once',
      duration_in_months: null, livemode: false, max_redemptions: null, metadata: { a: '1' }, name: 'Spring',
      redeem_by: null, times_redeemed: 0, valid: true,
    });
    const generated = await stripe.coupons.create({ amount_off: 500, currency: 'USD', duration: 'repeating', duration_in_months: 3 });
    expect(generated).toMatchObject({ id: expect.stringMatching(/^[A-Za-z0-9]{8}$/), currency: 'usd', duration_in_months: 3 });
    expect(await stripe.coupons.retrieve('SPRING25')).toEqual(coupon);
    expect(await stripe.coupons.del('SPRING25')).toEqual({ id: 'SPRING25', object: 'coupon', deleted: true });
    await expect(stripe.coupons.retrieve('SPRING25')).rejects.toMatchObject({
      statusCode: 404, code: 'resource_missing', message: "No such coupon: 'SPRING25'",
    });
    await expect(stripe.coupons.del('SPRING25')).rejects.toMatchObject({ statusCode: 404 });
    expect(sim.coupon('SPRING25').valid).toBe(false);
    expect(sim.events().map((event) => event.type)).toEqual(['coupon.created', 'coupon.created', 'coupon.deleted']);
  });

  it('refuses invalid parameters with Stripe’s param', async () => {
    const { stripe } = world;
    await stripe.coupons.create({ id: 'TAKEN', percent_off: 10 });
    const future = world.sim.clock.unix() + 3600;
    const cases: [Stripe.CouponCreateParams, Partial<Stripe.errors.StripeError>][] = [
      [{ id: 'TAKEN', percent_off: 10 }, { param: 'id', code: 'resource_already_exists' }],
      [{ duration: 'once' }, { param: 'percent_off' }],
      [{ percent_off: 10, amount_off: 100, currency: 'usd' }, { param: 'amount_off' }],
      [{ percent_off: 0 }, { param: 'percent_off' }],
      [{ percent_off: 100.5 }, { param: 'percent_off' }],
      [{ percent_off: 12.345 }, { param: 'percent_off' }],
      [{ amount_off: 100 }, { param: 'currency', code: 'parameter_missing' }],
      [{ amount_off: 0, currency: 'usd' }, { param: 'amount_off' }],
      [{ amount_off: 1.5, currency: 'usd' }, { param: 'amount_off', code: 'parameter_invalid_integer' }],
      [{ percent_off: 10, duration: 'repeating' }, { param: 'duration_in_months', code: 'parameter_missing' }],
      [{ percent_off: 10, duration: 'forever', duration_in_months: 2 }, { param: 'duration_in_months' }],
      [{ percent_off: 10, duration: 'weekly' }, { param: 'duration' }],
      [{ percent_off: 10, max_redemptions: 0 }, { param: 'max_redemptions' }],
      [{ percent_off: 10, redeem_by: future - 7200 }, { param: 'redeem_by' }],
      [{ percent_off: 10, name: 'x'.repeat(41) }, { param: 'name' }],
    ];
    for (const [params, expected] of cases) {
      await expect(stripe.coupons.create(params), JSON.stringify(params)).rejects.toMatchObject({
        type: 'StripeInvalidRequestError', statusCode: 400, ...expected,
      });
    }
    expect((await stripe.coupons.create({ percent_off: 12.5, redeem_by: future })).percent_off).toBe(12.5);
  });
});

describe('discounts on checkout sessions', () => {
  it('charges 75% in payment mode with a 25%-off coupon', async () => {
    const { stripe, sim } = world;
    await stripe.coupons.create({ id: 'QUARTER', percent_off: 25 });
    const session = await stripe.checkout.sessions.create(oneTimeCheckout(withCoupon('QUARTER')));
    expect(session).toMatchObject({
      amount_subtotal: 4900, amount_total: 3675, discounts: [{ coupon: 'QUARTER', promotion_code: null }],
      total_details: { amount_discount: 1225 },
    });
    const lineItems = await stripe.checkout.sessions.listLineItems(session.id);
    expect(lineItems.data[0]).toMatchObject({ amount_subtotal: 4900, amount_discount: 1225, amount_total: 3675 });
    expect(sim.coupon('QUARTER').times_redeemed).toBe(0);
    const { paymentIntentId, chargeId } = sim.completeCheckout(session.id);
    expect(sim.paymentIntent(String(paymentIntentId))).toMatchObject({ amount: 3675, amount_received: 3675 });
    expect(sim.charge(String(chargeId)).amount).toBe(3675);
    expect(sim.coupon('QUARTER').times_redeemed).toBe(1);
  });

  it('completes a 100%-off payment without a PaymentIntent', async () => {
    const { stripe, sim } = world;
    await stripe.coupons.create({ id: 'BIG', amount_off: 10_000, currency: 'usd' });
    const session = await stripe.checkout.sessions.create(oneTimeCheckout(withCoupon('BIG')));
    expect(session).toMatchObject({ amount_total: 0, total_details: { amount_discount: 4900 } });
    const result = sim.completeCheckout(session.id);
    expect(result.paymentIntentId).toBeNull();
    expect(sim.session(session.id)).toMatchObject({ status: 'complete', payment_status: 'no_payment_required' });
  });

  it('refuses unknown, deleted, expired, used-up and foreign-currency coupons, and promotion codes alongside', async () => {
    const { stripe, sim } = world;
    await stripe.coupons.create({ id: 'GONE', percent_off: 10 });
    await stripe.coupons.del('GONE');
    await stripe.coupons.create({ id: 'SOON', percent_off: 10, redeem_by: sim.clock.unix() + 3600 });
    await stripe.coupons.create({ id: 'EUROS', amount_off: 500, currency: 'eur' });
    await stripe.coupons.create({ id: 'ONE', percent_off: 10, max_redemptions: 1 });
    const fail = (params: Stripe.Checkout.SessionCreateParams) => stripe.checkout.sessions.create(params);
    await expect(fail(oneTimeCheckout(withCoupon('NOPE')))).rejects.toMatchObject({
      message: "No such coupon: 'NOPE'", param: 'discounts[0][coupon]', code: 'resource_missing',
    });
    await expect(fail(oneTimeCheckout(withCoupon('GONE')))).rejects.toMatchObject({ message: "No such coupon: 'GONE'" });
    await expect(fail(oneTimeCheckout(withCoupon('EUROS')))).rejects.toMatchObject({ param: 'discounts[0][coupon]' });
    await expect(fail(oneTimeCheckout({ ...withCoupon('ONE'), allow_promotion_codes: true }))).rejects.toMatchObject({
      message: 'You may only specify one of these parameters: allow_promotion_codes, discounts.',
    });

    const first = await stripe.checkout.sessions.create(monthlyCheckout(withCoupon('ONE')));
    sim.completeCheckout(first.id);
    expect(sim.coupon('ONE')).toMatchObject({ times_redeemed: 1, valid: false });
    await expect(fail(monthlyCheckout(withCoupon('ONE')))).rejects.toMatchObject({
      type: 'StripeInvalidRequestError', code: 'coupon_expired', param: 'discounts[0][coupon]',
    });

    sim.clock.advance(2 * 3600 * 1000);
    await expect(fail(oneTimeCheckout(withCoupon('SOON')))).rejects.toMatchObject({ code: 'coupon_expired' });
    expect((await stripe.coupons.retrieve('SOON')).valid).toBe(false);
  });
});

describe('discounts on subscriptions', () => {
  it('applies a once coupon to the first invoice only', async () => {
    const { stripe, sim } = world;
    await stripe.coupons.create({ id: 'FIRST', amount_off: 1000, currency: 'usd', duration: 'once' });
    const { session, subscriptionId, invoiceId, paymentIntentId } = await subscribeWith('FIRST');
    expect(sim.session(session.id)).toMatchObject({ amount_subtotal: 1500, amount_total: 500 });

    const subscription = await stripe.subscriptions.retrieve(subscriptionId, { expand: ['discounts.source.coupon'] });
    const [discount] = subscription.discounts as Stripe.Discount[];
    expect(discount).toMatchObject({
      object: 'discount', source: { coupon: { id: 'FIRST', amount_off: 1000 }, type: 'coupon' }, start: subscription.start_date,
      end: null, subscription: subscriptionId,
    });
    const invoice = await stripe.invoices.retrieve(invoiceId);
    expect(invoice).toMatchObject({
      subtotal: 1500, total: 500, amount_due: 500, amount_paid: 500, discounts: [discount!.id],
      total_discount_amounts: [{ amount: 1000, discount: discount!.id }],
    });
    expect(invoice.lines.data[0]).toMatchObject({ amount: 1500, discount_amounts: [{ amount: 1000, discount: discount!.id }] });
    expect(sim.paymentIntent(String(paymentIntentId)).amount).toBe(500);

    const renewal = sim.renewSubscription(subscriptionId);
    expect(sim.invoice(String(renewal.invoiceId))).toMatchObject({ total: 1500, amount_paid: 1500, total_discount_amounts: [] });
    expect(sim.subscription(subscriptionId).discounts).toEqual([]);
    expect(sim.events('customer.discount.deleted')).toHaveLength(1);
    expect(sim.events('customer.discount.created')).toHaveLength(1);
    expect(sim.invoice(String(sim.renewSubscription(subscriptionId).invoiceId)).amount_paid).toBe(1500);
    await sim.webhooks.idle();
    expect(world.receiver.requests.every((request) => request.verifyError === null)).toBe(true);
    expect(world.receiver.types()).toEqual(expect.arrayContaining(['coupon.created', 'customer.discount.created', 'customer.discount.deleted']));
  });

  it('applies a repeating coupon for its months, then bills in full', async () => {
    await world.stripe.coupons.create({ id: 'TWO', percent_off: 50, duration: 'repeating', duration_in_months: 2 });
    const { subscriptionId, invoiceId } = await subscribeWith('TWO');
    const discount = world.sim.discount(String(world.sim.subscription(subscriptionId).discounts[0]));
    expect(discount.end).toBeGreaterThan(discount.start);
    expect(amountsPaid(subscriptionId, invoiceId, 3)).toEqual([750, 750, 1500, 1500]);
  });

  it('applies a forever coupon to every invoice', async () => {
    await world.stripe.coupons.create({ id: 'ALWAYS', percent_off: 20, duration: 'forever' });
    const { subscriptionId, invoiceId } = await subscribeWith('ALWAYS');
    expect(amountsPaid(subscriptionId, invoiceId, 3)).toEqual([1200, 1200, 1200, 1200]);
    expect(world.sim.subscription(subscriptionId).discounts).toHaveLength(1);
  });

  it('moves no money for a 100%-off first invoice', async () => {
    const { stripe, sim } = world;
    await stripe.coupons.create({ id: 'FREE', percent_off: 100 });
    const { session, subscriptionId, invoiceId } = await subscribeWith('FREE');
    expect(sim.invoice(invoiceId)).toMatchObject({ status: 'paid', total: 0, amount_paid: 0 });
    expect(sim.session(session.id).payment_status).toBe('no_payment_required');
    expect(sim.subscription(subscriptionId).status).toBe('active');
    expect(sim.charges()).toHaveLength(0);
  });
});
