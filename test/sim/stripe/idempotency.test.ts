import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StripeWorld, oneTimeCheckout, startStripeWorld } from './fixtures.ts';

let world: StripeWorld;
beforeEach(async () => {
  world = await startStripeWorld();
});
afterEach(async () => {
  await world.close();
});

describe('idempotency keys', () => {
  it('replays the first answer with Idempotent-Replayed and the echoed key', async () => {
    const { sim, stripe } = world;
    const first = await stripe.checkout.sessions.create(oneTimeCheckout(), { idempotencyKey: 'order-1' });
    const again = await stripe.checkout.sessions.create(oneTimeCheckout(), { idempotencyKey: 'order-1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(again.lastResponse.headers['idempotency-key']).toBe('order-1');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(sim.sessions()).toHaveLength(1);
    expect(sim.calls().map((call) => call.replayed)).toEqual([false, true]);
  });

  it('rejects the same key with different parameters or another endpoint', async () => {
    const { stripe } = world;
    await stripe.checkout.sessions.create(oneTimeCheckout(), { idempotencyKey: 'k-2' });
    const changed = stripe.checkout.sessions.create(oneTimeCheckout({ client_reference_id: 'someone_else' }), {
      idempotencyKey: 'k-2',
    });
    await expect(changed).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    await expect(changed).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('can only be used with the same parameters'),
    });
    await expect(stripe.refunds.create({ charge: 'ch_x' }, { idempotencyKey: 'k-2' })).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
      message: expect.stringContaining('same endpoint'),
    });
  });

  it('stores errors from execution but not parameter errors, and forgets keys after 24 h of sim time', async () => {
    const { sim, stripe } = world;
    await expect(stripe.refunds.create({ charge: 'ch_missing' }, { idempotencyKey: 'r-1' })).rejects.toMatchObject({
      statusCode: 404,
    });
    const replayed = await stripe.refunds.create({ charge: 'ch_missing' }, { idempotencyKey: 'r-1' }).catch((e) => e);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    const invalid = { ...oneTimeCheckout(), bogus: 1 } as Stripe.Checkout.SessionCreateParams;
    await expect(stripe.checkout.sessions.create(invalid, { idempotencyKey: 'v-1' })).rejects.toMatchObject({
      code: 'parameter_unknown',
    });
    const fixed = await stripe.checkout.sessions.create(oneTimeCheckout(), { idempotencyKey: 'v-1' });
    expect(fixed.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    sim.clock.advance(24 * 3600 * 1000);
    const fresh = await stripe.checkout.sessions.create(oneTimeCheckout(), { idempotencyKey: 'v-1' });
    expect(fresh.id).not.toBe(fixed.id);
  });

  it('never runs two concurrent requests with one key: the second gets 409, its retry the replay', async () => {
    const { sim, stripe } = world;
    sim.setLatency(150);
    const results = await Promise.allSettled([
      stripe.checkout.sessions.create(oneTimeCheckout(), { idempotencyKey: 'race' }),
      stripe.checkout.sessions.create(oneTimeCheckout(), { idempotencyKey: 'race' }),
    ]);
    expect(sim.sessions()).toHaveLength(1);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    // stripe-node classes v1 errors by status, so a 409 surfaces as StripeAPIError (and is retried).
    expect(rejected.reason).toMatchObject({ statusCode: 409, rawType: 'idempotency_error' });
    const retrying = new Stripe(sim.secretKey, { ...sim.clientOptions, maxNetworkRetries: 2 });
    const [a, b] = await Promise.all([
      retrying.checkout.sessions.create(oneTimeCheckout(), { idempotencyKey: 'race-2' }),
      retrying.checkout.sessions.create(oneTimeCheckout(), { idempotencyKey: 'race-2' }),
    ]);
    expect(a.id).toBe(b.id);
    expect(sim.sessions()).toHaveLength(2);
  });

  it('lets the client recover from a dropped connection by replaying under its automatic key', async () => {
    const { sim } = world;
    const retrying = new Stripe(sim.secretKey, { ...sim.clientOptions, maxNetworkRetries: 1 });
    sim.failNext({ kind: 'connection_reset', method: 'POST', path: '/v1/checkout/sessions' });
    const session = await retrying.checkout.sessions.create(oneTimeCheckout());
    expect(sim.sessions().map((s) => s.id)).toEqual([session.id]);
    const calls = sim.calls();
    expect(calls).toHaveLength(2);
    expect(calls[0]!.idempotencyKey).toMatch(/^stripe-node-retry-/);
    expect(calls[1]).toMatchObject({ idempotencyKey: calls[0]!.idempotencyKey, replayed: true });
  });
});
