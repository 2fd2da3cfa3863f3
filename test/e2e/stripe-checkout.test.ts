import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpServer } from '../../bots/http/server.ts';
import { createStripeGateway } from '../../bots/stripe/stripe-gateway.ts';
import { STRIPE_WEBHOOK_PATH } from '../../bots/stripe/webhook-route.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import { entitlements, ledgerEntries, orders, paymentEvents } from '../../core/db/schema/index.ts';
import { encodeAction } from '../../core/actions.ts';
import { handleAction, handleCommand } from '../../core/dispatch.ts';
import type { Caller } from '../../core/members/actor.ts';
import { CONSOLE_SPACE_ID, consolePersonas } from '../../core/seed/seed-demo.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runner.ts';
import { silentLog } from '../support/fakes.ts';
import { startStripeWebhookServer } from '../support/stripe-webhooks.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { startStripeSim, type StripeSim } from '../sim/stripe/index.ts';
import { createWorld, type World } from './world.ts';

/**
 * Stripe Checkout end to end: the real `stripe` client against the simulator, signed webhooks
 * into the real HTTP route, the real payments worker on BullMQ, the ledger on Postgres.
 */
describe('Stripe checkout', () => {
  let world: World;
  let sim: StripeSim;
  let queues: TestQueues;
  let workers: WorkerRuntime;
  let http: HttpServer & { webhookSecret: string };
  let deps: CommandDeps;
  let buyer = 0;
  let webhookSecret: string;

  beforeAll(async () => {
    world = await createWorld();
    sim = await startStripeSim({ retryDelaysMs: [20, 50, 100] });
    queues = createTestQueues();
    const stripe = createStripeGateway({ secretKey: sim.secretKey, apiUrl: sim.url, returnUrl: 'http://127.0.0.1/checkout/return' });
    deps = { ...world.deps, queue: queues.queue, payments: { sandbox: false, stripe } };
    workers = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 4, log: silentLog, schedulers: false });
    http = await startStripeWebhookServer(sim, deps, silentLog);
    webhookSecret = http.webhookSecret;
  });
  afterAll(async () => {
    await http?.close();
    await workers?.close(5_000);
    await queues?.close();
    await sim?.close();
    await world?.database.drop();
  });
  beforeEach(() => sim.webhooks.reset());

  const newBuyer = (): Caller => {
    buyer += 1;
    return { platform: 'console', userId: `stripe-buyer-${buyer}`, displayName: `Buyer ${buyer}`, locale: 'en', spaceId: CONSOLE_SPACE_ID };
  };
  const creator: Caller = { platform: 'console', userId: consolePersonas.creator.userId, displayName: 'Chen', locale: 'en', spaceId: CONSOLE_SPACE_ID };

  /** /buy, then the session id behind the link button. */
  const checkout = async (caller: Caller, product: string) => {
    const outcome = await handleCommand(deps, caller, 'buy', { product });
    expect(outcome.error).toBeUndefined();
    const link = outcome.reply.actions?.flatMap((row) => ('buttons' in row ? row.buttons : [])).find((button) => 'url' in button);
    if (!link || !('url' in link)) throw new Error('no checkout link');
    const [order] = await world.database.db.select().from(orders).where(eq(orders.memberId, outcome.actor!.memberId));
    return { url: link.url, sessionId: order!.providerCheckoutId!, orderId: order!.id, memberId: outcome.actor!.memberId };
  };
  /** Every webhook attempt answered and every payment job done. */
  const settled = async () => {
    await sim.webhooks.idle();
    await eventually(async () => {
      const counts = await queues.queue.queue('payments').getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((count) => count === 0) ? true : undefined;
    });
  };
  const rowsOf = async (orderId: string) => {
    const db = world.database.db;
    const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
    const ledger = await db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, orderId));
    const owned = await db.select().from(entitlements).where(eq(entitlements.memberId, order!.memberId));
    return { status: order!.status, ledger: ledger.map((row) => `${row.kind}:${row.amount}`).sort(), entitlements: owned.map((row) => `${row.source}:${row.status}`) };
  };

  it('sells a one-time product: the webhook, delivered five times, ends in one order, one entry, one entitlement', async () => {
    const { url, sessionId, orderId } = await checkout(newBuyer(), 'python-bootcamp');
    expect(url).toContain(sim.url);
    expect(sim.session(sessionId)).toMatchObject({ mode: 'payment', client_reference_id: orderId, amount_total: 9900 });
    sim.webhooks.deliverTimes(5);
    sim.completeCheckout(sessionId);
    await settled();
    expect(await rowsOf(orderId)).toEqual({ status: 'paid', ledger: ['charge:9900'], entitlements: ['order:active'] });
    const completed = sim.webhooks.attempts().filter((attempt) => attempt.type === 'checkout.session.completed');
    expect(completed.length).toBe(5);
    const stored = await world.database.db.select().from(paymentEvents).where(eq(paymentEvents.type, 'checkout.session.completed'));
    expect(stored.filter((event) => event.objectId === sessionId)).toHaveLength(1);
  });

  it('applies two copies at once and events in reverse order to the same single result', async () => {
    const { sessionId, orderId } = await checkout(newBuyer(), 'python-bootcamp');
    sim.webhooks.sendConcurrentCopies(3).hold();
    sim.completeCheckout(sessionId);
    sim.webhooks.release({ order: 'reverse' });
    await settled();
    expect(await rowsOf(orderId)).toEqual({ status: 'paid', ledger: ['charge:9900'], entitlements: ['order:active'] });
  });

  it('sells a subscription and follows renewal, failure and cancellation, whatever arrives first', async () => {
    const { sessionId, orderId } = await checkout(newBuyer(), 'all-access');
    expect(sim.session(sessionId)).toMatchObject({ mode: 'subscription' });
    sim.webhooks.hold();
    const { subscriptionId } = sim.completeCheckout(sessionId);
    sim.webhooks.release({ order: 'reverse' });
    await settled();
    // The demo membership has a 7-day trial: access now, no money yet.
    expect(await rowsOf(orderId)).toMatchObject({ ledger: [], entitlements: ['subscription:active'] });
    sim.renewSubscription(subscriptionId!);
    await settled();
    expect(await rowsOf(orderId)).toMatchObject({ status: 'paid', ledger: ['charge:2900'], entitlements: ['subscription:active'] });
    sim.failRenewal(subscriptionId!);
    await settled();
    expect((await rowsOf(orderId)).entitlements).toEqual(['subscription:grace']);
    sim.cancelSubscription(subscriptionId!);
    await settled();
    expect(await rowsOf(orderId)).toMatchObject({ ledger: ['charge:2900'], entitlements: ['subscription:expired'] });
  });

  it('stops a subscription renewing on /cancel: Stripe is told, access lasts to the period end', async () => {
    const caller = newBuyer();
    const { sessionId, memberId } = await checkout(caller, 'all-access');
    const { subscriptionId } = sim.completeCheckout(sessionId);
    await settled();
    const canceled = await handleCommand(deps, caller, 'cancel', {});
    expect(canceled.error).toBeUndefined();
    expect(canceled.reply.body).toMatch(/^Your All-Access Membership will not renew\. You keep access until \d{4}-\d{2}-\d{2}\.$/);
    expect(sim.subscription(subscriptionId!)).toMatchObject({ cancel_at_period_end: true, status: 'trialing' });
    const [owned] = await world.database.db.select().from(entitlements).where(eq(entitlements.memberId, memberId));
    expect(owned?.status).toBe('active');
    expect((await handleCommand(deps, caller, 'cancel', {})).error).toEqual({ code: 'nothing_to_cancel' });
    const mine = await handleCommand(deps, caller, 'my', {});
    const billing = mine.reply.actions?.flatMap((row) => ('buttons' in row ? row.buttons : [])).find((button) => button.label === 'Billing');
    if (!billing || !('action' in billing)) throw new Error('no Billing button on /my');
    const portal = await handleAction(deps, caller, encodeAction(billing.action));
    const link = portal.reply.actions?.flatMap((row) => ('buttons' in row ? row.buttons : [])).find((button) => 'url' in button);
    expect(link && 'url' in link ? link.url : '').toMatch(/^http/);
    expect(portal.reply.confidential).toBe(true);
  });

  it('finds an event no webhook delivered with the sweep, and applies it once even racing a webhook', async () => {
    const { sessionId, orderId } = await checkout(newBuyer(), 'python-bootcamp');
    sim.webhooks.drop({ next: 100 });
    sim.completeCheckout(sessionId);
    await settled();
    expect((await rowsOf(orderId)).status).toBe('pending');
    sim.webhooks.reset();
    const [completed] = sim.events('checkout.session.completed').filter((event) => (event.data.object as { id: string }).id === sessionId);
    await Promise.all([queues.queue.enqueue('payments.sweep-stripe-events', {}), sim.webhooks.redeliver(completed!.id)]);
    await settled();
    expect(await rowsOf(orderId)).toEqual({ status: 'paid', ledger: ['charge:9900'], entitlements: ['order:active'] });
  });

  it('refunds through Stripe on /refund: the ledger entry once, the entitlement revoked', async () => {
    const { sessionId, orderId } = await checkout(newBuyer(), 'python-bootcamp');
    sim.completeCheckout(sessionId);
    await settled();
    sim.webhooks.deliverTwice();
    const requested = await handleCommand(deps, creator, 'refund', { order: orderId.slice(0, 8), reason: 'customer asked' });
    expect(requested.error).toBeUndefined();
    await eventually(async () => ((await rowsOf(orderId)).status === 'refunded' ? true : undefined));
    await settled();
    expect(await rowsOf(orderId)).toEqual({ status: 'refunded', ledger: ['charge:9900', 'refund:9900'], entitlements: ['order:revoked'] });
    expect(sim.refunds()).toHaveLength(1);
  });

  it('keeps an event about a checkout Lyceum never opened, marked unmatched, and grants nothing', async () => {
    const stranger = new Stripe(sim.secretKey, sim.clientOptions);
    const session = await stranger.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://example.com/done',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Elsewhere' } } }],
    });
    const before = (await world.database.db.select().from(entitlements)).length;
    sim.completeCheckout(session.id);
    await settled();
    const [event] = await world.database.db.select().from(paymentEvents).where(eq(paymentEvents.objectId, session.id));
    expect(event).toMatchObject({ type: 'checkout.session.completed', outcome: 'unmatched', orderId: null });
    expect(event!.processedAt).not.toBeNull();
    expect(await world.database.db.select().from(entitlements)).toHaveLength(before);
  });

  it('refuses missing, bad and stale signatures and oversized bodies, storing nothing', async () => {
    const before = (await world.database.db.select().from(paymentEvents)).length;
    const payload = JSON.stringify({ id: 'evt_forged', type: 'checkout.session.completed', data: { object: { id: 'cs_x' } } });
    const signer = new Stripe(sim.secretKey);
    const post = (body: string, signature?: string) =>
      fetch(`${http.url}${STRIPE_WEBHOOK_PATH}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) } });
    expect((await post(payload)).status).toBe(400);
    expect((await post(payload, signer.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' }))).status).toBe(400);
    const stale = Math.floor(Date.now() / 1000) - 3_600;
    expect((await post(payload, signer.webhooks.generateTestHeaderString({ payload, secret: webhookSecret, timestamp: stale }))).status).toBe(400);
    expect((await post('x'.repeat(300_000), 't=1,v1=abc')).status).toBe(413);
    const malformed = '{"not":"an event"}';
    expect((await post(malformed, signer.webhooks.generateTestHeaderString({ payload: malformed, secret: webhookSecret }))).status).toBe(400);
    expect(await world.database.db.select().from(paymentEvents)).toHaveLength(before);
  });
});
