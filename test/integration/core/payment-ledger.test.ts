import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPaymentFacts, withOrderLock } from '../../../core/commerce/apply-payment-facts.ts';
import type { PaymentFact } from '../../../core/commerce/payment-facts.ts';
import {
  accessGrants,
  entitlements,
  ledgerEntries,
  members,
  orders,
  platformSpaces,
  productGrants,
  products,
} from '../../../core/db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity } from '../../support/fixtures.ts';

/** The ledger on real Postgres: every fact once, whatever the duplicates, races and order. */
describe('applyPaymentFacts', () => {
  let database: TestDatabase;
  let communityId: string;
  let oneTime: string;
  let monthly: string;
  let memberId: string;
  const now = new Date('2026-12-01T12:00:00Z');
  let serial = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    const community = await createCommunity(database.db);
    communityId = community.id;
    const [guild] = await database.db
      .insert(platformSpaces)
      .values({ communityId, platform: 'discord', kind: 'discord_guild', externalId: '900000000000000001' })
      .returning();
    const [one, sub] = await database.db
      .insert(products)
      .values([
        { communityId, slug: 'bootcamp', name: 'Bootcamp', kind: 'one_time', priceAmount: 4900, currency: 'USD' },
        { communityId, slug: 'club', name: 'Club', kind: 'subscription', interval: 'month', priceAmount: 1500, currency: 'USD' },
      ])
      .returning();
    oneTime = one!.id;
    monthly = sub!.id;
    // Both products grant the same role: the member keeps it until the last source ends.
    await database.db.insert(productGrants).values([
      { communityId, productId: oneTime, kind: 'discord_role', spaceId: guild!.id, resourceId: '900000000000000777' },
      { communityId, productId: monthly, kind: 'discord_role', spaceId: guild!.id, resourceId: '900000000000000777' },
    ]);
  });
  afterAll(() => database.drop());

  const newMember = async () => {
    const [member] = await database.db.insert(members).values({ displayName: `Buyer ${++serial}` }).returning();
    memberId = member!.id;
    return member!.id;
  };
  const newOrder = async (productId: string, amount: number, buyer = memberId) => {
    const [order] = await database.db
      .insert(orders)
      .values({ communityId, memberId: buyer, productId, provider: 'stripe', amount, currency: 'USD', providerCheckoutId: `cs_${++serial}` })
      .returning();
    return order!.id;
  };
  const apply = (orderId: string, facts: PaymentFact[]) =>
    withOrderLock(database.db, orderId, (tx, order) => applyPaymentFacts(tx, order, 'stripe', facts, now));
  const stateOf = async (orderId: string) => {
    const [order] = await database.db.select().from(orders).where(eq(orders.id, orderId));
    const ledger = await database.db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, orderId));
    const owned = await database.db.select().from(entitlements).where(eq(entitlements.orderId, orderId));
    return { status: order!.status, refunded: order!.amountRefunded, ledger: ledger.map((row) => `${row.kind}:${row.amount}`).sort(), entitlements: owned.map((row) => row.status) };
  };
  const grantsOf = (buyer: string) =>
    database.db.select({ desired: accessGrants.desired, reason: accessGrants.reason }).from(accessGrants).where(eq(accessGrants.memberId, buyer));

  const charge = (ref: string, amount = 4900): PaymentFact => ({ kind: 'charge', ref, paymentRef: ref, amount, currency: 'usd', occurredAt: now });
  const refund = (ref: string, amount: number): PaymentFact => ({ kind: 'refund', ref, paymentRef: 'pi_1', amount, currency: 'usd', occurredAt: now });

  it('applies the same charge five times, and two copies at once, as one entry, one entitlement, one grant', async () => {
    const buyer = await newMember();
    const orderId = await newOrder(oneTime, 4900);
    const first = await apply(orderId, [charge('pi_a')]);
    expect(first).toMatchObject({ newEntries: 1, status: 'paid', changedGrants: [{ desired: 'present' }] });
    for (let copy = 0; copy < 4; copy += 1) expect(await apply(orderId, [charge('pi_a')])).toMatchObject({ newEntries: 0, changedGrants: [] });
    const racing = await Promise.all([apply(orderId, [charge('pi_a')]), apply(orderId, [charge('pi_a')])]);
    expect(racing.map((result) => result?.newEntries)).toEqual([0, 0]);
    expect(await stateOf(orderId)).toEqual({ status: 'paid', refunded: 0, ledger: ['charge:4900'], entitlements: ['active'] });
    expect(await grantsOf(buyer)).toHaveLength(1);
  });

  it('ends in the same state when a refund arrives before the payment', async () => {
    await newMember();
    const orderId = await newOrder(oneTime, 4900);
    await apply(orderId, [refund('re_1', 4900)]);
    await apply(orderId, [charge('pi_1')]);
    await apply(orderId, [charge('pi_1'), refund('re_1', 4900)]);
    expect(await stateOf(orderId)).toEqual({ status: 'refunded', refunded: 4900, ledger: ['charge:4900', 'refund:4900'], entitlements: ['revoked'] });
  });

  it('counts partial refunds once each and revokes only on the last cent', async () => {
    await newMember();
    const orderId = await newOrder(oneTime, 4900);
    await apply(orderId, [charge('pi_2'), refund('re_2a', 900)]);
    expect(await stateOf(orderId)).toMatchObject({ status: 'partially_refunded', refunded: 900, entitlements: ['active'] });
    await apply(orderId, [refund('re_2a', 900), refund('re_2b', 4000)]);
    expect(await stateOf(orderId)).toMatchObject({ status: 'refunded', refunded: 4900, entitlements: ['revoked'] });
  });

  it('revokes on a chargeback and restores access when the dispute is won', async () => {
    const buyer = await newMember();
    const orderId = await newOrder(oneTime, 4900);
    await apply(orderId, [charge('pi_3')]);
    await apply(orderId, [{ kind: 'dispute', ref: 'dp_3', status: 'open', amount: 4900, currency: 'usd', occurredAt: now }]);
    expect(await stateOf(orderId)).toMatchObject({ status: 'disputed', entitlements: ['revoked'] });
    expect((await grantsOf(buyer)).map((grant) => grant.desired)).toEqual(['absent']);
    await apply(orderId, [{ kind: 'dispute', ref: 'dp_3', status: 'won', amount: 4900, currency: 'usd', occurredAt: now }]);
    expect(await stateOf(orderId)).toMatchObject({ status: 'paid', ledger: ['charge:4900', 'dispute:4900', 'dispute_won:4900'], entitlements: ['active'] });
    expect((await grantsOf(buyer)).map((grant) => grant.desired)).toEqual(['present']);
  });

  it('follows a subscription: renewal before the first snapshot, past_due grace, cancellation', async () => {
    await newMember();
    const orderId = await newOrder(monthly, 1500);
    const periodEnd = new Date('2027-01-01T00:00:00Z');
    const snapshot = (status: 'active' | 'past_due' | 'canceled'): PaymentFact => ({ kind: 'subscription', ref: 'sub_1', status, currentPeriodEnd: periodEnd, cancelAtPeriodEnd: false, canceledAt: status === 'canceled' ? now : null });
    await apply(orderId, [charge('in_2', 1500)]);
    expect(await stateOf(orderId)).toMatchObject({ status: 'paid', entitlements: [] });
    await apply(orderId, [charge('in_1', 1500), snapshot('active')]);
    const [owned] = await database.db.select().from(entitlements).where(eq(entitlements.productId, monthly));
    expect(owned).toMatchObject({ source: 'subscription', status: 'active', endsAt: periodEnd });
    await apply(orderId, [snapshot('past_due')]);
    const [grace] = await database.db.select().from(entitlements).where(eq(entitlements.productId, monthly));
    expect(grace).toMatchObject({ status: 'grace', graceUntil: new Date('2027-01-04T00:00:00Z') });
    await apply(orderId, [snapshot('canceled')]);
    const all = await database.db.select().from(entitlements).where(eq(entitlements.productId, monthly));
    expect(all.map((row) => row.status)).toEqual(['expired']);
    expect((await stateOf(orderId)).ledger).toEqual(['charge:1500', 'charge:1500']);
    const entries = await database.db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, orderId));
    expect(entries.find((row) => row.providerRef === 'in_1')?.subscriptionId).toBe(all[0]!.subscriptionId);
  });

  it('keeps a role granted by two products until the last one ends', async () => {
    const buyer = await newMember();
    const bootcamp = await newOrder(oneTime, 4900, buyer);
    const club = await newOrder(monthly, 1500, buyer);
    await apply(bootcamp, [charge('pi_5')]);
    await apply(club, [charge('in_5', 1500), { kind: 'subscription', ref: 'sub_5', status: 'active', currentPeriodEnd: null, cancelAtPeriodEnd: false, canceledAt: null }]);
    expect(await grantsOf(buyer)).toHaveLength(1);
    const refunded = await apply(bootcamp, [refund('re_5', 4900)]);
    expect(refunded?.changedGrants).toEqual([]);
    expect((await grantsOf(buyer)).map((grant) => grant.desired)).toEqual(['present']);
    const canceled = await apply(club, [{ kind: 'subscription', ref: 'sub_5', status: 'canceled', currentPeriodEnd: null, cancelAtPeriodEnd: false, canceledAt: now }]);
    expect(canceled?.changedGrants).toMatchObject([{ desired: 'absent' }]);
  });

  it('closes an abandoned checkout, and a late payment still wins', async () => {
    await newMember();
    const orderId = await newOrder(oneTime, 4900);
    await apply(orderId, [{ kind: 'checkout_closed', outcome: 'expired' }]);
    expect(await stateOf(orderId)).toMatchObject({ status: 'expired', entitlements: [] });
    await apply(orderId, [charge('pi_6')]);
    expect(await stateOf(orderId)).toMatchObject({ status: 'paid', entitlements: ['active'] });
  });
});
