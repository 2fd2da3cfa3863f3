import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAccessGateway } from '../../../bots/telegram/access-gateway.ts';
import { applyGrant } from '../../../core/access/apply-grant.ts';
import { findDifferences } from '../../../core/access/find-differences.ts';
import { recordPresence } from '../../../core/access/member-presence.ts';
import { reconcileAll } from '../../../core/access/reconcile.ts';
import { repairDifferences } from '../../../core/access/repair-differences.ts';
import { accessGrants, auditLog, members, platformIdentities, platformSpaces, productGrants, products } from '../../../core/db/schema/index.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import { RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock, silentLog } from '../../support/fakes.ts';
import { createCommunity } from '../../support/fixtures.ts';

const HOUR = 3_600_000;

/**
 * The Telegram side of `/access audit` and of the scheduled reconciliation, against the Telegram
 * simulator: getChatMember for every known grant, the reasons, the repairs, and observations
 * that spare the second run every API call.
 */
describe('Telegram access audit', () => {
  let database: TestDatabase;
  let sim: TelegramSim;
  let communityId: string;
  let spaceId: string;
  let chatId: number;
  // The simulator checks invite expiry against real time, so Lyceum's clock starts there too.
  const clock = new FakeClock(new Date());
  const queue = new RecordingQueue();
  let deps: Parameters<typeof reconcileAll>[0];
  const people: Record<string, { userId: number; memberId: string }> = {};

  /** Runs every grant the last step queued, as the access worker would. */
  const drainGrants = async () => {
    for (const { grantId } of queue.of('access.apply-grant') as Array<{ grantId: string }>) await applyGrant(deps, grantId);
    queue.jobs.length = 0;
  };
  const grantOf = async (name: string) => (await database.db.select().from(accessGrants).where(eq(accessGrants.memberId, people[name]!.memberId)))[0]!;

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startTelegramSim({ botUsername: 'lyceum_audit_bot' });
    const owner = sim.createUser({ firstName: 'Owner' }).id;
    chatId = sim.createGroup({ title: 'Paid Lounge', type: 'supergroup', creatorId: owner }).id;
    const telegram = createTelegramAccessGateway({ token: sim.token, apiRoot: sim.apiRoot, log: silentLog });
    deps = { db: database.db, queue, clock, log: silentLog, access: { telegram } };
    communityId = (await createCommunity(database.db)).id;
    const [space] = await database.db.insert(platformSpaces).values({ communityId, platform: 'telegram', kind: 'telegram_supergroup', externalId: String(chatId) }).returning();
    spaceId = space!.id;
    const [product] = await database.db.insert(products).values({ communityId, slug: 'lounge', name: 'Lounge', kind: 'one_time', priceAmount: 900, currency: 'USD' }).returning();
    await database.db.insert(productGrants).values({ communityId, productId: product!.id, kind: 'telegram_chat', spaceId, resourceId: String(chatId) });
    for (const name of ['ada', 'ben', 'cy', 'dee']) {
      const userId = sim.createUser({ firstName: name }).id;
      const [member] = await database.db.insert(members).values({ displayName: name }).returning();
      await database.db.insert(platformIdentities).values({ memberId: member!.id, platform: 'telegram', platformUserId: String(userId) });
      people[name] = { userId, memberId: member!.id };
    }
    // ada, ben and cy are entitled; dee is not.
    for (const name of ['ada', 'ben', 'cy']) {
      const [grant] = await database.db
        .insert(accessGrants)
        .values({ communityId, memberId: people[name]!.memberId, spaceId, resourceKind: 'telegram_chat', resourceId: String(chatId), desired: 'present' })
        .returning();
      await applyGrant(deps, grant!.id);
    }
  });
  afterAll(async () => {
    await sim.close();
    await database.drop();
  });

  it('lists each difference with its reason: an invite never used, a member who left, someone in without an entitlement', async () => {
    const invite = async (name: string) => (await grantOf(name)).inviteLink!;
    const join = async (name: 'ada' | 'ben') => {
      await sim.user(people[name]!.userId).joinByLink(await invite(name));
      await recordPresence(deps, { caller: { platform: 'telegram', userId: String(people[name]!.userId), displayName: name, spaceId: String(chatId) }, change: 'joined' });
    };
    await join('ada');
    await join('ben');
    // ben leaves while the bots were down: no update recorded it. cy never uses the invite.
    await sim.user(people.ben!.userId).leaveChat(chatId);
    // dee, whose access ended earlier, got back in through a link while the bots were down.
    await database.db.insert(accessGrants).values({ communityId, memberId: people.dee!.memberId, spaceId, resourceKind: 'telegram_chat', resourceId: String(chatId), desired: 'absent', observed: 'absent' });
    const leaked = await deps.access!.telegram!.inviteToChat({ chatId: String(chatId), userId: '0', expiresAt: new Date(Date.now() + HOUR), name: 'leaked' });
    await sim.user(people.dee!.userId).joinByLink((leaked as { inviteLink: string }).inviteLink);

    const before = sim.callsTo('getChatMember').length;
    const found = await findDifferences(deps, communityId, { fresh: true });
    expect(sim.callsTo('getChatMember').length - before).toBe(4);
    expect(found.checked).toBe(4);
    expect(found.differences.map((difference) => `${difference.name}: ${difference.kind}`).sort()).toEqual([
      'ben: member_left',
      'cy: invite_never_used',
      'dee: in_chat_without_entitlement',
    ]);

    const repaired = await repairDifferences(deps, communityId, found.differences, {});
    expect(repaired.map((item) => item.kind).sort()).toEqual(['in_chat_without_entitlement', 'invite_never_used']);
    const oldInvite = (await grantOf('cy')).inviteLink;
    await drainGrants();
    expect(sim.memberStatus(chatId, people.dee!.userId)).toBe('left');
    const cy = await grantOf('cy');
    expect(cy).toMatchObject({ observed: 'invited' });
    expect(cy.inviteLink).not.toBe(oldInvite);
    const [batch] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'access.audit_apply'));
    expect((batch!.details as { repaired: unknown[] }).repaired).toHaveLength(2);
  });

  it('asks Telegram again only for members whose observation is stale', async () => {
    const first = sim.callsTo('getChatMember').length;
    await reconcileAll(deps);
    await reconcileAll(deps);
    // Every member was read (or changed by Lyceum) within the last day: no call at all.
    expect(sim.callsTo('getChatMember').length - first).toBe(0);
    clock.advance(25 * HOUR);
    await reconcileAll(deps);
    expect(sim.callsTo('getChatMember').length - first).toBe(4);
  });
});
