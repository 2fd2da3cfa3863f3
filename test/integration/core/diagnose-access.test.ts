import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPaymentFacts, withOrderLock } from '../../../core/commerce/apply-payment-facts.ts';
import { accessGrants, members, memberships, orders, platformIdentities, platformSpaces, productGrants, products } from '../../../core/db/schema/index.ts';
import type { Actor } from '../../../core/members/actor.ts';
import { diagnoseAccess } from '../../../core/support/diagnose-access.ts';
import { RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock } from '../../support/fakes.ts';
import { createCommunity } from '../../support/fixtures.ts';

/** "I paid but can't get in": what the assistant finds and repairs, for the member speaking only. */
describe('diagnoseAccess', () => {
  let database: TestDatabase;
  let communityId: string;
  let productId: string;
  const clock = new FakeClock(new Date('2026-12-01T12:00:00Z'));
  const queue = new RecordingQueue();
  const deps = () => ({ db: database.db, queue, clock });

  const member = async (name: string): Promise<Actor> => {
    const [row] = await database.db.insert(members).values({ displayName: name }).returning();
    await database.db.insert(platformIdentities).values({ memberId: row!.id, platform: 'discord', platformUserId: `${Date.now()}${name.length}${Math.floor(Math.random() * 1e6)}` });
    await database.db.insert(memberships).values({ communityId, memberId: row!.id });
    return { memberId: row!.id, communityId, communityName: 'Academy', communitySlug: 'academy', role: 'member', locale: 'en', platform: 'discord', platformUserId: name };
  };
  const pay = async (actor: Actor) => {
    const [order] = await database.db.insert(orders).values({ communityId, memberId: actor.memberId, productId, provider: 'sandbox', amount: 9900, currency: 'USD', createdAt: clock.now() }).returning();
    await withOrderLock(database.db, order!.id, (tx, locked) => applyPaymentFacts(tx, locked, 'sandbox', [{ kind: 'charge', ref: `sbx_${order!.id}`, amount: 9900, currency: 'USD', occurredAt: clock.now() }], clock.now()));
  };
  const grantOf = async (actor: Actor) => (await database.db.select().from(accessGrants).where(eq(accessGrants.memberId, actor.memberId)))[0]!;

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await createCommunity(database.db)).id;
    const [space] = await database.db.insert(platformSpaces).values({ communityId, platform: 'discord', kind: 'discord_guild', externalId: '900000000000000001', title: 'Makers' }).returning();
    const [product] = await database.db.insert(products).values({ communityId, slug: 'bootcamp', name: 'Python Bootcamp', kind: 'one_time', priceAmount: 9900, currency: 'USD' }).returning();
    productId = product!.id;
    await database.db.insert(productGrants).values({ communityId, productId, kind: 'discord_role', spaceId: space!.id, resourceId: '900000000000000002' });
  });
  afterAll(() => database.drop());

  it('confirms the payment, finds the role that failed, and applies it again', async () => {
    const mia = await member('Mia');
    const noah = await member('Noah');
    await pay(mia);
    await pay(noah);
    const reason = 'the bot lacks Manage Roles in this server';
    await database.db.update(accessGrants).set({ observed: 'absent', lastError: reason, blockedAt: clock.now() }).where(eq(accessGrants.memberId, mia.memberId));
    await database.db.update(accessGrants).set({ observed: 'absent', lastError: reason, blockedAt: clock.now() }).where(eq(accessGrants.memberId, noah.memberId));
    queue.jobs.length = 0;

    const reply = await diagnoseAccess(deps(), mia);
    expect(reply.body?.split('\n')).toEqual([
      'Your payment of $99.00 on 2026-12-01 for Python Bootcamp is confirmed.',
      `your role in Makers was missing (last try: ${reason}); I've applied it again now.`,
    ]);
    const repaired = await grantOf(mia);
    expect(repaired).toMatchObject({ observed: 'unknown', blockedAt: null, attempts: 0 });
    expect(queue.of('access.apply-grant')).toEqual([{ grantId: repaired.id }]);
    // Only the member speaking: Noah's grant is as it was.
    expect(await grantOf(noah)).toMatchObject({ observed: 'absent', lastError: reason });
    expect((await grantOf(noah)).blockedAt).not.toBeNull();
  });

  it('says when all is in place, when nothing was bought, and when a checkout was left unpaid', async () => {
    const ann = await member('Ann');
    await pay(ann);
    await database.db.update(accessGrants).set({ observed: 'present' }).where(eq(accessGrants.memberId, ann.memberId));
    queue.jobs.length = 0;
    expect((await diagnoseAccess(deps(), ann)).body?.split('\n').slice(1)).toEqual([
      'You have your role in Makers.',
      'Everything is in place on our side. Still can\'t see it? Write "human" and a person will look.',
    ]);
    expect(queue.jobs).toEqual([]);

    const bob = await member('Bob');
    expect((await diagnoseAccess(deps(), bob)).body).toMatch(/^I can't find a purchase on this account/);
    await database.db.insert(orders).values({ communityId, memberId: bob.memberId, productId, provider: 'sandbox', amount: 9900, currency: 'USD', createdAt: clock.now() });
    expect((await diagnoseAccess(deps(), bob)).body).toBe('Your order for Python Bootcamp from 2026-12-01 is not paid yet: finish that checkout, or /buy for a fresh one.');
  });
});
