import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpServer } from '../../bots/http/server.ts';
import { createStripeGateway } from '../../bots/stripe/stripe-gateway.ts';
import { encodeAction } from '../../core/actions.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import { communities, couponRedemptions, coupons, entitlements, ledgerEntries, orders, subscriptions, trials } from '../../core/db/schema/index.ts';
import { handleAction, handleCommand, type Outcome } from '../../core/dispatch.ts';
import type { Caller } from '../../core/members/actor.ts';
import type { ReplyButton } from '../../core/reply.ts';
import { CONSOLE_SPACE_ID, consolePersonas } from '../../core/seed/seed-demo.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runner.ts';
import { startStripeSim, type StripeSim } from '../sim/stripe/index.ts';
import { silentLog } from '../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { startStripeWebhookServer } from '../support/stripe-webhooks.ts';
import { createWorld, type World } from './world.ts';

/**
 * Coupons and trials on Stripe end to end: /coupon through dispatch, the real `stripe` client
 * against the simulator (real Stripe coupons, discounts on the session, trials with and
 * without a card), signed webhooks into the payments worker, the ledger on Postgres.
 */
describe('coupons and trials on Stripe', () => {
  let world: World;
  let sim: StripeSim;
  let queues: TestQueues;
  let workers: WorkerRuntime;
  let http: HttpServer;
  let deps: CommandDeps;
  let buyers = 0;

  beforeAll(async () => {
    world = await createWorld();
    sim = await startStripeSim({ retryDelaysMs: [20, 50, 100] });
    queues = createTestQueues();
    const stripe = createStripeGateway({ secretKey: sim.secretKey, apiUrl: sim.url, returnUrl: 'http://127.0.0.1/checkout/return' });
    deps = { ...world.deps, queue: queues.queue, payments: { sandbox: false, stripe } };
    workers = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 4, log: silentLog, schedulers: false });
    http = await startStripeWebhookServer(sim, deps, silentLog);
  });
  afterAll(async () => {
    await http?.close();
    await workers?.close(5_000);
    await queues?.close();
    await sim?.close();
    await world?.database.drop();
  });

  const newBuyer = (): Caller => {
    buyers += 1;
    return { platform: 'console', userId: `coupon-buyer-${buyers}`, displayName: `Buyer ${buyers}`, locale: 'en', spaceId: CONSOLE_SPACE_ID };
  };
  const creator: Caller = { platform: 'console', userId: consolePersonas.creator.userId, displayName: 'Chen', locale: 'en', spaceId: CONSOLE_SPACE_ID };
  const buttons = (outcome: Outcome): ReplyButton[] => outcome.reply.actions?.flatMap((row) => ('buttons' in row ? row.buttons : [])) ?? [];
  const sessionOf = async (outcome: Outcome) => {
    expect(outcome.error).toBeUndefined();
    const [order] = await world.database.db.select().from(orders).where(eq(orders.memberId, outcome.actor!.memberId));
    return { sessionId: order!.providerCheckoutId!, orderId: order!.id, memberId: outcome.actor!.memberId };
  };
  const settled = async () => {
    await sim.webhooks.idle();
    await eventually(async () => {
      const counts = await queues.queue.queue('payments').getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0) ? true : undefined;
    });
  };
  const ledgerOf = async (orderId: string) => (await world.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, orderId))).map((row) => `${row.kind}:${row.amount}`).sort();
  const couponCount = async () => (await world.database.db.select({ n: count() }).from(coupons))[0]!.n;

  it('takes a shared coupon off what the member pays, through the offer button and Stripe’s own coupon', async () => {
    const created = await handleCommand(deps, creator, 'coupon', { action: 'create', code: 'spring', percent: '25', products: 'python-bootcamp' });
    expect(created.error).toBeUndefined();
    expect(created.reply.title).toBe('Coupon SPRING created');
    const use = buttons(created).find((button) => button.label === 'Buy with SPRING');
    if (!use || !('action' in use)) throw new Error('no offer button');
    expect(use.telegramStart).toMatch(/^cp[0-9a-f]{32}$/);

    const member = newBuyer();
    const checkout = await handleAction(deps, member, encodeAction(use.action));
    expect(checkout.reply.body).toContain('Coupon SPRING: 25% off');
    const { sessionId, orderId } = await sessionOf(checkout);
    const couponId = use.action.type === 'coupon.redeem' ? use.action.couponId : '';
    expect(sim.session(sessionId)).toMatchObject({ amount_subtotal: 9900, amount_total: 7425, discounts: [{ coupon: couponId }] });
    expect(sim.coupon(couponId)).toMatchObject({ percent_off: 25, duration: 'once' });
    sim.completeCheckout(sessionId);
    await settled();
    expect(await ledgerOf(orderId)).toEqual(['charge:7425']);
    const [order] = await world.database.db.select().from(orders).where(eq(orders.id, orderId));
    expect(order).toMatchObject({ status: 'paid', amount: 7425, listAmount: 9900, couponId });
    expect(sim.coupon(couponId)?.times_redeemed).toBe(1);

    // One per member: the same member (on another product) is told, nothing opens.
    expect((await handleCommand(deps, member, 'buy', { product: 'all-access', code: 'SPRING' })).error).toEqual({ code: 'coupon_refused', reason: 'not_for_product' });
    const again = await handleCommand(deps, newBuyer(), 'buy', { product: 'python-bootcamp', code: 'spring' });
    expect(again.error).toBeUndefined();
  });

  it('gives the last redemption to exactly one of two members who redeem at once', async () => {
    const created = await handleCommand(deps, creator, 'coupon', { action: 'create', code: 'LAST1', amount: '10', limit: '1', products: 'python-bootcamp' });
    expect(created.error).toBeUndefined();
    const use = buttons(created).find((button) => 'action' in button);
    const press = encodeAction((use as { action: Parameters<typeof encodeAction>[0] }).action);
    const [first, second] = await Promise.all([handleAction(deps, newBuyer(), press), handleAction(deps, newBuyer(), press)]);
    const outcomes = [first!, second!];
    expect(outcomes.filter((outcome) => !outcome.error)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.error)).toEqual([expect.objectContaining({ error: { code: 'coupon_refused', reason: 'used_up' } })]);
    expect(outcomes.find((outcome) => outcome.error)!.reply.body).toContain('used up');
    const [coupon] = await world.database.db.select().from(coupons).where(eq(coupons.code, 'LAST1'));
    expect(await world.database.db.select().from(couponRedemptions).where(eq(couponRedemptions.couponId, coupon!.id))).toHaveLength(1);
    const listed = await handleCommand(deps, creator, 'coupon', { action: 'list' });
    expect(listed.reply.body).toContain('LAST1 · $10.00 off · on the first payment · used 0/1 · active');
  });

  it('refuses bad coupons with the reason and writes nothing', async () => {
    const before = await couponCount();
    const create = (options: Record<string, string>) => handleCommand(deps, creator, 'coupon', { action: 'create', code: 'BAD', ...options });
    expect((await create({ percent: '150' })).error).toMatchObject({ code: 'invalid_input', details: expect.stringContaining('at most 100%') });
    expect((await create({ amount: '-5' })).error).toMatchObject({ code: 'invalid_input', details: expect.stringContaining('a positive amount') });
    expect((await create({ percent: '10', amount: '5' })).error).toMatchObject({ code: 'invalid_input', details: expect.stringContaining('exactly one of') });
    expect((await create({ percent: '10', duration: 'repeating' })).error).toMatchObject({ code: 'invalid_input', details: expect.stringContaining('months:') });
    expect((await create({ percent: '10', expires: '2020-01-01' })).error).toMatchObject({ code: 'invalid_input', details: expect.stringContaining('already passed') });
    expect((await create({ percent: '10', products: 'no-such-thing' })).error).toMatchObject({ code: 'invalid_input' });
    expect((await handleCommand(deps, newBuyer(), 'coupon', { action: 'create', code: 'MINE', percent: '90' })).error).toMatchObject({ code: 'forbidden' });
    expect(await couponCount()).toBe(before);

    const db = world.database.db;
    const [other] = await db.select({ id: communities.id }).from(communities).where(eq(communities.name, 'Other Academy'));
    await db.insert(coupons).values({ communityId: other!.id, code: 'OTHER50', percentOff: 50 });
    expect((await handleCommand(deps, newBuyer(), 'buy', { product: 'python-bootcamp', code: 'OTHER50' })).error).toEqual({ code: 'coupon_refused', reason: 'unknown' });
    const [foreign] = await db.select().from(coupons).where(eq(coupons.code, 'OTHER50'));
    expect((await handleAction(deps, newBuyer(), encodeAction({ type: 'coupon.redeem', couponId: foreign!.id }))).error).toEqual({ code: 'coupon_refused', reason: 'unknown' });

    expect((await handleCommand(deps, creator, 'coupon', { action: 'create', code: 'SOON', percent: '10', expires: 'in 1h' })).error).toBeUndefined();
    world.clock.advance(2 * 3_600_000);
    expect((await handleCommand(deps, newBuyer(), 'buy', { product: 'python-bootcamp', code: 'SOON' })).error).toEqual({ code: 'coupon_refused', reason: 'expired' });
    await handleCommand(deps, creator, 'coupon', { action: 'disable', code: 'SPRING' });
    expect((await handleCommand(deps, newBuyer(), 'buy', { product: 'python-bootcamp', code: 'SPRING' })).error).toEqual({ code: 'coupon_refused', reason: 'disabled' });
  });

  it('discounts only the first payment of a subscription with a once coupon', async () => {
    await handleCommand(deps, creator, 'coupon', { action: 'create', code: 'FIRSTMONTH', percent: '50', products: 'all-access' });
    await handleCommand(deps, creator, 'product', { action: 'edit', product: 'all-access', trial: '0' });
    const { sessionId, orderId } = await sessionOf(await handleCommand(deps, newBuyer(), 'buy', { product: 'all-access', code: 'FIRSTMONTH' }));
    const { subscriptionId } = sim.completeCheckout(sessionId);
    await settled();
    sim.renewSubscription(subscriptionId!);
    await settled();
    expect(await ledgerOf(orderId)).toEqual(['charge:1450', 'charge:2900']);
  });

  it('ends a trial without a card in expiry, turns one with a card into a paid renewal, and gives nobody a second', async () => {
    await handleCommand(deps, creator, 'product', { action: 'edit', product: 'all-access', trial: '7', trial_card: 'no' });
    const db = world.database.db;
    const cardless = newBuyer();
    const opened = await handleCommand(deps, cardless, 'buy', { product: 'all-access' });
    expect(opened.reply.body).toContain('Starts with a 7-day free trial. No card needed');
    const noCard = await sessionOf(opened);
    expect(sim.session(noCard.sessionId)).toMatchObject({ payment_method_collection: 'if_required' });
    const { subscriptionId: freeSub } = sim.completeCheckout(noCard.sessionId, { paymentMethod: false });
    await settled();
    const trialOf = async (memberId: string) => (await db.select().from(trials).where(eq(trials.memberId, memberId)))[0];
    expect(await trialOf(noCard.memberId)).toMatchObject({ status: 'active', days: 7 });
    sim.endTrial(freeSub!);
    await settled();
    expect(await ledgerOf(noCard.orderId)).toEqual([]);
    expect((await db.select().from(entitlements).where(eq(entitlements.memberId, noCard.memberId))).map((row) => row.status)).toEqual(['expired']);
    expect(await trialOf(noCard.memberId)).toMatchObject({ status: 'expired' });

    await handleCommand(deps, creator, 'product', { action: 'edit', product: 'all-access', trial_card: 'yes' });
    const withCard = await sessionOf(await handleCommand(deps, newBuyer(), 'buy', { product: 'all-access' }));
    const { subscriptionId: paidSub } = sim.completeCheckout(withCard.sessionId);
    await settled();
    sim.endTrial(paidSub!);
    await settled();
    expect(await ledgerOf(withCard.orderId)).toEqual(['charge:2900']);
    expect(await trialOf(withCard.memberId)).toMatchObject({ status: 'converted' });
    const [renewing] = await db.select().from(subscriptions).where(eq(subscriptions.orderId, withCard.orderId));
    expect(renewing?.status).toBe('active');

    // The member whose trial expired comes back: the full price at once, no free days.
    const back = await handleCommand(deps, cardless, 'buy', { product: 'all-access' });
    expect(back.reply.body).not.toContain('trial');
    const [pending] = await db.select().from(orders).where(and(eq(orders.memberId, noCard.memberId), eq(orders.status, 'pending')));
    sim.completeCheckout(pending!.providerCheckoutId!);
    await settled();
    expect(await ledgerOf(pending!.id)).toEqual(['charge:2900']);
  });
});
