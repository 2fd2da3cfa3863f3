import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { type StripeWorld, oneTimeCheckout, startStripeWorld } from './fixtures.ts';

let world: StripeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function paidCheckout(w: StripeWorld) {
  const session = await w.stripe.checkout.sessions.create(oneTimeCheckout());
  return w.sim.completeCheckout(session.id);
}

const completedOnly = (w: StripeWorld) =>
  w.receiver.events().filter((event) => event.type === 'checkout.session.completed');

describe('webhook delivery', () => {
  it('retries non-2xx answers with backoff and a fresh signature per attempt', async () => {
    world = await startStripeWorld({
      receiver: {
        respond: (_event, index) => {
          world?.sim.clock.advance(30_000); // time passes between attempts, as it does on Stripe
          return index < 2 ? 500 : 200;
        },
      },
    });
    const { sim, receiver } = world;
    sim.removeWebhookEndpoint(receiver.url);
    receiver.useSecret(sim.addWebhookEndpoint(receiver.url, { events: ['checkout.session.completed'] }));
    const { eventIds } = await paidCheckout(world);
    const eventId = eventIds.find((id) => sim.events('checkout.session.completed').some((e) => e.id === id))!;
    expect(sim.events('checkout.session.completed')[0]?.pending_webhooks).toBe(1);
    await sim.webhooks.idle();
    const attempts = sim.webhooks.attempts().filter((attempt) => attempt.eventId === eventId);
    expect(attempts.map((a) => [a.attempt, a.kind, a.status])).toEqual([
      [1, 'first', 500],
      [2, 'retry', 500],
      [3, 'retry', 200],
    ]);
    const stamps = attempts.map((a) => Number(/^t=(\d+),v1=[0-9a-f]{64}$/.exec(a.signature)?.[1]));
    expect(stamps[1]! - stamps[0]!).toBeGreaterThanOrEqual(30);
    expect(new Set(attempts.map((a) => a.signature)).size).toBe(3);
    expect(receiver.requests.every((request) => request.verifyError === null)).toBe(true);
    expect(sim.events('checkout.session.completed')[0]?.pending_webhooks).toBe(0);
  });

  it('gives up after the last retry and leaves the event pending in the list', async () => {
    world = await startStripeWorld({ receiver: { respond: () => 503 } });
    const { sim, stripe } = world;
    await paidCheckout(world);
    await sim.webhooks.idle();
    expect(sim.webhooks.attempts().filter((a) => a.type === 'charge.succeeded')).toHaveLength(4);
    const failing = await stripe.events.list({ delivery_success: false, type: 'charge.succeeded' });
    expect(failing.data).toHaveLength(1);
    expect(failing.data[0]?.pending_webhooks).toBe(1);
  });

  it('delivers twice, or as concurrent copies, when told to', async () => {
    world = await startStripeWorld();
    const { sim } = world;
    sim.webhooks.deliverTwice();
    await paidCheckout(world);
    await sim.webhooks.idle();
    expect(completedOnly(world)).toHaveLength(2);
    expect(new Set(completedOnly(world).map((e) => e.id)).size).toBe(1);
    sim.webhooks.reset();
    sim.webhooks.sendConcurrentCopies(3);
    await paidCheckout(world);
    await sim.webhooks.idle();
    expect(completedOnly(world)).toHaveLength(5);
    expect(sim.webhooks.attempts().filter((a) => a.kind === 'concurrent' && a.type === 'checkout.session.completed')).toHaveLength(3);
  });

  it('holds events and releases them reversed or in a chosen order', async () => {
    world = await startStripeWorld();
    const { sim, receiver } = world;
    sim.webhooks.hold();
    const { eventIds } = await paidCheckout(world);
    await sim.webhooks.idle();
    expect(receiver.requests).toHaveLength(0);
    expect(sim.webhooks.held()).toEqual(eventIds);
    const [first, ...rest] = eventIds;
    await sim.webhooks.release({ ids: [rest.at(-1)!, first!] });
    expect(receiver.events().map((e) => e.id)).toEqual([rest.at(-1), first]);
    await sim.webhooks.release({ order: 'reverse' });
    expect(receiver.events().map((e) => e.id).slice(2)).toEqual(rest.slice(0, -1).reverse());
  });

  it('drops events so that only GET /v1/events finds them, and redelivers on demand', async () => {
    world = await startStripeWorld();
    const { sim, stripe, receiver } = world;
    sim.webhooks.drop({ types: ['checkout.session.completed'] });
    await paidCheckout(world);
    await sim.webhooks.idle();
    expect(receiver.types()).not.toContain('checkout.session.completed');
    const listed = await stripe.events.list({ type: 'checkout.session.completed' });
    expect(listed.data).toHaveLength(1);
    const dropped = listed.data[0] as Stripe.CheckoutSessionCompletedEvent;
    expect(sim.webhooks.dropped()).toContain(dropped.id);
    await sim.webhooks.redeliver(dropped.id);
    expect(completedOnly(world).map((e) => e.id)).toEqual([dropped.id]);
    expect((await stripe.events.retrieve(dropped.id)).pending_webhooks).toBe(0);
  });

  it('drops the next N events and delays the rest', async () => {
    world = await startStripeWorld();
    const { sim, receiver } = world;
    sim.webhooks.drop({ next: 2 }).delay(80);
    const { eventIds } = await paidCheckout(world);
    expect(receiver.requests).toHaveLength(0);
    await sim.webhooks.idle();
    expect(receiver.events().map((e) => e.id).sort()).toEqual(eventIds.slice(2).sort());
  });
});
