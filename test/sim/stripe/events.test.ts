import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StripeWorld, oneTimeCheckout, startStripeWorld } from './fixtures.ts';

let world: StripeWorld;
beforeEach(async () => {
  world = await startStripeWorld();
});
afterEach(async () => {
  await world.close();
});

describe('GET /v1/events', () => {
  it('lists newest first and pages with starting_after / ending_before', async () => {
    const { sim, stripe } = world;
    for (let i = 0; i < 3; i += 1) {
      const session = await stripe.checkout.sessions.create(oneTimeCheckout());
      sim.completeCheckout(session.id);
    }
    const all = sim.events().map((event) => event.id).reverse();
    expect(all).toHaveLength(12);
    const page1 = await stripe.events.list({ limit: 5 });
    expect(page1).toMatchObject({ object: 'list', has_more: true, url: '/v1/events' });
    expect(page1.data.map((e) => e.id)).toEqual(all.slice(0, 5));
    const page2 = await stripe.events.list({ limit: 5, starting_after: page1.data.at(-1)!.id });
    expect(page2.data.map((e) => e.id)).toEqual(all.slice(5, 10));
    const page3 = await stripe.events.list({ limit: 5, starting_after: page2.data.at(-1)!.id });
    expect(page3).toMatchObject({ has_more: false });
    expect(page3.data.map((e) => e.id)).toEqual(all.slice(10));
    const back = await stripe.events.list({ limit: 3, ending_before: page2.data[0]!.id });
    expect(back.data.map((e) => e.id)).toEqual(all.slice(2, 5));
    expect(back.has_more).toBe(true);
    const everything: string[] = [];
    for await (const event of stripe.events.list({ limit: 4 })) everything.push(event.id);
    expect(everything).toEqual(all);
  });

  it('filters by type, wildcard, types[] and created', async () => {
    const { sim, stripe } = world;
    const first = await stripe.checkout.sessions.create(oneTimeCheckout());
    sim.completeCheckout(first.id);
    sim.clock.advance(10_000);
    const cutoff = sim.clock.unix();
    const second = await stripe.checkout.sessions.create(oneTimeCheckout());
    sim.completeCheckout(second.id);
    expect((await stripe.events.list({ type: 'charge.succeeded' })).data).toHaveLength(2);
    expect((await stripe.events.list({ type: 'payment_intent.*' })).data).toHaveLength(4);
    expect((await stripe.events.list({ types: ['charge.succeeded', 'checkout.session.completed'] })).data).toHaveLength(4);
    const recent = await stripe.events.list({ created: { gte: cutoff } });
    expect(recent.data).toHaveLength(4);
    expect(recent.data.every((event) => event.created >= cutoff)).toBe(true);
    await expect(stripe.events.list({ limit: 101 })).rejects.toMatchObject({ param: 'limit' });
    await expect(stripe.events.list({ type: 'a', types: ['b'] })).rejects.toMatchObject({ statusCode: 400 });
    await expect(stripe.events.list({ starting_after: 'evt_unknown' })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('freezes data.object at creation while the live object moves on', async () => {
    const { sim, stripe } = world;
    const session = await stripe.checkout.sessions.create(oneTimeCheckout());
    const { chargeId } = sim.completeCheckout(session.id);
    sim.refund(String(chargeId));
    const succeeded = (await stripe.events.list({ type: 'charge.succeeded' })).data[0]!;
    expect(succeeded.data.object).toMatchObject({ id: chargeId, refunded: false, amount_refunded: 0 });
    expect((await stripe.charges.retrieve(String(chargeId))).refunded).toBe(true);
  });
});
