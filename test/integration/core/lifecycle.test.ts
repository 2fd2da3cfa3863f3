import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessGateway } from '../../../core/access/access-gateway.ts';
import { runLifecycle } from '../../../core/access/lifecycle.ts';
import { applyPaymentFacts, withOrderLock } from '../../../core/commerce/apply-payment-facts.ts';
import type { PaymentFact, PaymentProvider } from '../../../core/commerce/payment-facts.ts';
import { accessGrants, communities, entitlements, members, orders, platformIdentities, platformSpaces, productGrants, products } from '../../../core/db/schema/index.ts';
import type { Reply } from '../../../core/reply.ts';
import { RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock, silentLog } from '../../support/fakes.ts';
import { createCommunity } from '../../support/fixtures.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A gateway that records the private messages it was asked to send. */
class RecordingGateway implements Pick<AccessGateway, 'notify'> {
  readonly sent: Array<{ userId: string; body: string }> = [];
  async notify(userId: string, reply: Reply) {
    this.sent.push({ userId, body: reply.body ?? '' });
    return true;
  }
}

/** The clock's part of access on real Postgres: endings, grace, reminders. */
describe('runLifecycle', () => {
  let database: TestDatabase;
  let communityId: string;
  let productId: string;
  const clock = new FakeClock(new Date('2026-12-01T12:00:00Z'));
  const telegram = new RecordingGateway();
  const queue = new RecordingQueue();
  let serial = 0;
  const deps = () => ({ db: database.db, queue, clock, log: silentLog, access: { telegram: telegram as unknown as AccessGateway } });

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await createCommunity(database.db)).id;
    const [space] = await database.db.insert(platformSpaces).values({ communityId, platform: 'telegram', kind: 'telegram_supergroup', externalId: '-1001' }).returning();
    const [product] = await database.db
      .insert(products)
      .values({ communityId, slug: 'club', name: 'Club', kind: 'subscription', interval: 'month', priceAmount: 900, currency: 'USD', starsPrice: 500 })
      .returning();
    productId = product!.id;
    await database.db.insert(productGrants).values({ communityId, productId, kind: 'telegram_chat', spaceId: space!.id, resourceId: '-1001' });
  });
  afterAll(() => database.drop());

  /** A member with a Telegram account and a paid subscription order. */
  const subscriber = async (provider: PaymentProvider) => {
    serial += 1;
    const [member] = await database.db.insert(members).values({ displayName: `Sub ${serial}` }).returning();
    await database.db.insert(platformIdentities).values({ memberId: member!.id, platform: 'telegram', platformUserId: String(9000 + serial) });
    const [order] = await database.db.insert(orders).values({ communityId, memberId: member!.id, productId, provider, amount: 500, currency: 'XTR' }).returning();
    return { memberId: member!.id, orderId: order!.id, userId: String(9000 + serial) };
  };
  const apply = (provider: PaymentProvider, orderId: string, facts: PaymentFact[]) =>
    withOrderLock(database.db, orderId, (tx, order) => applyPaymentFacts(tx, order, provider, facts, clock.now()));
  const snapshot = (status: 'active' | 'past_due', periodEnd: Date, cancelAtPeriodEnd = false): PaymentFact => ({ kind: 'subscription', ref: `sub-${serial}`, status, currentPeriodEnd: periodEnd, cancelAtPeriodEnd, canceledAt: null });
  const entitlementOf = async (memberId: string) => (await database.db.select().from(entitlements).where(eq(entitlements.memberId, memberId)))[0];
  const grantOf = async (memberId: string) => (await database.db.select().from(accessGrants).where(eq(accessGrants.memberId, memberId)))[0];
  const run = async () => {
    const result = await runLifecycle(deps());
    if (!result.ok) throw new Error(result.error.code);
    return result.value;
  };

  it('reminds 3 days and 1 day before a period that will not renew ends, once each, then ends it', async () => {
    const { memberId, orderId, userId } = await subscriber('telegram_stars');
    const periodEnd = new Date(clock.now().getTime() + 30 * DAY);
    await apply('telegram_stars', orderId, [{ kind: 'charge', ref: `stx-${serial}`, amount: 500, currency: 'XTR', occurredAt: clock.now() }, snapshot('active', periodEnd, true)]);
    expect(await run()).toEqual({ ended: 0, reminded: 0 });

    clock.advance(27.5 * DAY);
    expect(await run()).toEqual({ ended: 0, reminded: 1 });
    expect(await run()).toEqual({ ended: 0, reminded: 0 });
    clock.advance(2.25 * DAY);
    expect(await run()).toEqual({ ended: 0, reminded: 1 });
    expect(telegram.sent.filter((message) => message.userId === userId).map((message) => message.body)).toEqual([
      `Your Club ends on ${periodEnd.toISOString().slice(0, 10)} and will not renew. Run /buy to keep your access.`,
      `Your Club ends on ${periodEnd.toISOString().slice(0, 10)} and will not renew. Run /buy to keep your access.`,
    ]);

    // Just past the end, within the margin a late Stars renewal gets: still active.
    clock.advance(0.3 * DAY);
    expect(await run()).toEqual({ ended: 0, reminded: 0 });
    expect((await entitlementOf(memberId))?.status).toBe('active');
    clock.advance(2 * HOUR);
    const jobsBefore = queue.of('access.apply-grant').length;
    expect(await run()).toEqual({ ended: 1, reminded: 0 });
    expect(await entitlementOf(memberId)).toMatchObject({ status: 'expired', endsAt: periodEnd });
    expect(await grantOf(memberId)).toMatchObject({ desired: 'absent' });
    expect(queue.of('access.apply-grant').length).toBe(jobsBefore + 1);
    expect(await run()).toEqual({ ended: 0, reminded: 0 });
  });

  it('ends a grace period by the clock, and a renewal after it brings access back at once', async () => {
    const { memberId, orderId } = await subscriber('stripe');
    const periodEnd = clock.now();
    await apply('stripe', orderId, [{ kind: 'charge', ref: `in-${serial}`, amount: 500, currency: 'XTR', occurredAt: clock.now() }, snapshot('past_due', periodEnd)]);
    expect(await entitlementOf(memberId)).toMatchObject({ status: 'grace', graceUntil: new Date(periodEnd.getTime() + 3 * DAY) });
    clock.advance(2 * DAY);
    expect((await run()).ended).toBe(0);
    clock.advance(1.5 * DAY);
    expect((await run()).ended).toBe(1);
    expect(await grantOf(memberId)).toMatchObject({ desired: 'absent' });

    const renewedUntil = new Date(clock.now().getTime() + 30 * DAY);
    await apply('stripe', orderId, [{ kind: 'charge', ref: `in-${serial}-2`, amount: 500, currency: 'XTR', occurredAt: clock.now() }, snapshot('active', renewedUntil)]);
    expect(await entitlementOf(memberId)).toMatchObject({ status: 'active', endsAt: renewedUntil });
    expect(await grantOf(memberId)).toMatchObject({ desired: 'present' });
  });

  it('uses the community’s own grace days', async () => {
    await database.db.update(communities).set({ settings: { graceDays: 7 } }).where(eq(communities.id, communityId));
    const { memberId, orderId } = await subscriber('stripe');
    const periodEnd = clock.now();
    await apply('stripe', orderId, [{ kind: 'charge', ref: `in-${serial}`, amount: 500, currency: 'XTR', occurredAt: clock.now() }, snapshot('past_due', periodEnd)]);
    expect(await entitlementOf(memberId)).toMatchObject({ status: 'grace', graceUntil: new Date(periodEnd.getTime() + 7 * DAY) });
    await database.db.update(communities).set({ settings: {} }).where(eq(communities.id, communityId));
  });

  it('leaves an active Stripe subscription past its period to Stripe (the renewal webhook decides)', async () => {
    const { memberId, orderId } = await subscriber('stripe');
    await apply('stripe', orderId, [{ kind: 'charge', ref: `in-${serial}`, amount: 500, currency: 'XTR', occurredAt: clock.now() }, snapshot('active', new Date(clock.now().getTime() + DAY))]);
    clock.advance(5 * DAY);
    await run();
    expect((await entitlementOf(memberId))?.status).toBe('active');
  });
});
