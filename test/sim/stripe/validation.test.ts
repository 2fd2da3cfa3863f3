import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StripeWorld, monthlyCheckout, oneTimeCheckout, startStripeWorld } from './fixtures.ts';

let world: StripeWorld;
beforeEach(async () => {
  world = await startStripeWorld();
});
afterEach(async () => {
  await world.close();
});

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}

describe('request validation', () => {
  it('rejects an unknown parameter with Stripe’s message and code', async () => {
    const params = { ...oneTimeCheckout(), foo: 'bar' } as Stripe.Checkout.SessionCreateParams;
    const error = await rejection(world.stripe.checkout.sessions.create(params));
    expect(error).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'parameter_unknown',
      param: 'foo',
      message: 'Received unknown parameter: foo',
    });
  });

  it('names nested unknown parameters in bracket notation', async () => {
    const params = oneTimeCheckout();
    (params.line_items![0]!.price_data!.product_data as unknown as Record<string, unknown>).colour = 'red';
    const error = await rejection(world.stripe.checkout.sessions.create(params));
    expect(error.message).toBe('Received unknown parameter: line_items[0][price_data][product_data][colour]');
  });

  it('reports a missing required parameter', async () => {
    const params = oneTimeCheckout();
    delete (params.line_items![0]!.price_data as Partial<Stripe.Checkout.SessionCreateParams.LineItem.PriceData>).currency;
    const error = await rejection(world.stripe.checkout.sessions.create(params));
    expect(error).toMatchObject({ code: 'parameter_missing', param: 'line_items[0][price_data][currency]' });
    expect(error.message).toBe('Missing required param: line_items[0][price_data][currency].');
  });

  it('rejects values outside an enum, integers that are not, and empty strings that cannot unset', async () => {
    const mode = await rejection(world.stripe.checkout.sessions.create(oneTimeCheckout({ mode: 'rental' })));
    expect(mode.message).toBe('Invalid mode: must be one of payment, setup, or subscription');
    const amount = oneTimeCheckout();
    (amount.line_items![0]!.price_data as unknown as Record<string, unknown>).unit_amount = 'lots';
    expect(await rejection(world.stripe.checkout.sessions.create(amount))).toMatchObject({
      code: 'parameter_invalid_integer',
      message: 'Invalid integer: lots',
    });
    const empty = await rejection(
      world.stripe.checkout.sessions.create(oneTimeCheckout({ success_url: null as unknown as string })),
    );
    expect(empty).toMatchObject({ code: 'parameter_invalid_empty', param: 'success_url' });
    const reason = await rejection(world.stripe.refunds.create({ charge: 'ch_x', reason: 'bored' }));
    expect(reason.message).toBe('Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer');
  });

  it('enforces the cross-field rules of checkout sessions', async () => {
    const recurringPrice = monthlyCheckout().line_items!;
    const cases: [Stripe.Checkout.SessionCreateParams, string][] = [
      [monthlyCheckout({ line_items: oneTimeCheckout().line_items }), 'at least one recurring price'],
      [oneTimeCheckout({ line_items: recurringPrice }), 'passed a recurring price'],
      [oneTimeCheckout({ success_url: undefined }), 'Missing required param: success_url.'],
      [oneTimeCheckout({ subscription_data: { trial_period_days: 7 } }), 'can not pass `subscription_data` in `payment` mode'],
      [monthlyCheckout({ payment_intent_data: { metadata: { a: 'b' } } }), 'can not pass `payment_intent_data`'],
      [oneTimeCheckout({ expires_at: Math.floor(Date.now() / 1000) + 60 }), 'at least 30 minutes'],
    ];
    for (const [params, message] of cases) {
      const error = await rejection(world.stripe.checkout.sessions.create(params));
      expect(error.message).toContain(message);
    }
    expect(world.sim.sessions()).toHaveLength(0);
  });

  it('answers 401 without a valid key and 404 for unknown routes', async () => {
    const wrongKey = new Stripe('sk_test_wrong_key_1234', world.sim.clientOptions);
    const unauthorized = await rejection(wrongKey.charges.retrieve('ch_1'));
    expect(unauthorized).toMatchObject({ statusCode: 401, type: 'StripeAuthenticationError' });
    expect(unauthorized.message).toMatch(/^Invalid API Key provided: sk_test_\*+1234$/);
    const noKey = await fetch(`${world.sim.url}/v1/charges/ch_1`);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { message: string } }).error.message).toContain('You did not provide an API key');
    const unknown = await rejection(world.stripe.rawRequest('GET', '/v1/widgets'));
    expect(unknown).toMatchObject({ statusCode: 404 });
    expect(unknown.message).toBe(
      'Unrecognized request URL (GET: /v1/widgets). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.',
    );
    const missing = await rejection(world.stripe.charges.retrieve('ch_nope'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such charge: 'ch_nope'" });
  });
});
