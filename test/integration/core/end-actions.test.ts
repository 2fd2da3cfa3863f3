import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAccessGateway } from '../../../bots/discord/access-gateway.ts';
import { applyGrant } from '../../../core/access/apply-grant.ts';
import { findDifferences } from '../../../core/access/find-differences.ts';
import { grantAccess } from '../../../core/access/grant-access.ts';
import { runLifecycle } from '../../../core/access/lifecycle.ts';
import { revokeAccess } from '../../../core/access/revoke-access.ts';
import { applyPaymentFacts, withOrderLock } from '../../../core/commerce/apply-payment-facts.ts';
import type { PaymentFact } from '../../../core/commerce/payment-facts.ts';
import { manageSettings } from '../../../core/communities/community-settings.ts';
import { accessGrants, members, memberships, orders, platformIdentities, platformSpaces, productGrants, products } from '../../../core/db/schema/index.ts';
import type { Actor } from '../../../core/members/actor.ts';
import { type DiscordSim, startDiscordSim } from '../../sim/discord/index.ts';
import { RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock, silentLog } from '../../support/fakes.ts';
import { createCommunity } from '../../support/fixtures.ts';

const DAY = 86_400_000;
const KICK_MEMBERS = 1n << 1n;

/**
 * What happens when access ends, per product (remove the role, also kick, or keep it) and per
 * community during grace (keep the roles, or swap them for a grace role), against the Discord
 * simulator through the real REST gateway.
 */
describe('end actions and the grace role', () => {
  let database: TestDatabase;
  let sim: DiscordSim;
  let guildId: string;
  let communityId: string;
  let owner: Actor;
  const clock = new FakeClock(new Date('2026-12-01T12:00:00Z'));
  const queue = new RecordingQueue();
  let deps: { db: TestDatabase['db']; queue: RecordingQueue; clock: FakeClock; log: typeof silentLog; access: { discord: ReturnType<typeof createDiscordAccessGateway> } };
  const roles: Record<string, string> = {};
  const users: Record<string, string> = {};

  const drain = async () => {
    for (const { grantId } of queue.of('access.apply-grant') as Array<{ grantId: string }>) await applyGrant(deps, grantId);
    queue.jobs.length = 0;
  };
  const rolesOf = (name: string) => sim.memberRoles(guildId, users[name]!).map((id) => Object.keys(roles).find((key) => roles[key] === id)).sort();
  const grant = async (name: string, product: string, days?: number) => {
    const result = await grantAccess(deps, owner, { member: users[name]!, product, ...(days ? { days } : {}) });
    if (!result.ok) throw new Error(result.error.code);
    await drain();
  };
  const expire = async () => {
    clock.advance(2 * DAY);
    await runLifecycle(deps);
    await drain();
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startDiscordSim();
    const creator = sim.createUser({ username: 'owner' }).id;
    const guild = sim.createGuild({ name: 'Academy', ownerId: creator });
    guildId = guild.id;
    sim.setBotPermissions(guildId, BigInt(sim.roles(guildId).find((role) => role.id === guild.botRoleId)!.permissions) | KICK_MEMBERS);
    for (const name of ['alumni', 'cohort', 'club', 'grace']) roles[name] = sim.createRole(guildId, { name }).id;
    deps = { db: database.db, queue, clock, log: silentLog, access: { discord: createDiscordAccessGateway({ token: sim.botToken, apiUrl: sim.apiUrl, log: silentLog }) } };
    communityId = (await createCommunity(database.db)).id;
    const [space] = await database.db.insert(platformSpaces).values({ communityId, platform: 'discord', kind: 'discord_guild', externalId: guildId }).returning();
    const product = async (slug: string, endAction: 'remove' | 'kick' | 'keep', kind: 'one_time' | 'subscription' = 'one_time') => {
      const [row] = await database.db
        .insert(products)
        .values({ communityId, slug, name: slug, kind, interval: kind === 'subscription' ? 'month' : null, priceAmount: 900, currency: 'USD', endAction })
        .returning();
      await database.db.insert(productGrants).values({ communityId, productId: row!.id, kind: 'discord_role', spaceId: space!.id, resourceId: roles[slug]! });
      return row!.id;
    };
    await product('alumni', 'keep');
    await product('cohort', 'kick');
    await product('club', 'remove', 'subscription');
    for (const name of ['owner', 'ann', 'bob', 'cat', 'dan', 'eve']) {
      users[name] = name === 'owner' ? creator : sim.createUser({ username: name }).id;
      if (name !== 'owner') sim.addMember(guildId, users[name]!);
      const [member] = await database.db.insert(members).values({ displayName: name }).returning();
      await database.db.insert(platformIdentities).values({ memberId: member!.id, platform: 'discord', platformUserId: users[name]! });
      await database.db.insert(memberships).values({ communityId, memberId: member!.id, role: name === 'owner' ? 'owner' : 'member' });
      if (name === 'owner') owner = { memberId: member!.id, communityId, communityName: 'Academy', communitySlug: 'academy', role: 'owner', locale: 'en', platform: 'discord', platformUserId: creator };
    }
  });
  afterAll(async () => {
    await sim.close();
    await database.drop();
  });

  it('keeps the role when a "keep" product’s period runs out, and the audit does not flag it', async () => {
    await grant('ann', 'alumni', 1);
    expect(rolesOf('ann')).toEqual(['alumni']);
    const calls = sim.calls.length;
    await expire();
    expect(rolesOf('ann')).toEqual(['alumni']);
    expect(sim.calls.length).toBe(calls);
    const { differences } = await findDifferences(deps, communityId, { fresh: true });
    expect(differences.filter((difference) => difference.userId === users.ann)).toEqual([]);
  });

  it('still removes a "keep" product’s role when a creator revokes it', async () => {
    await grant('bob', 'alumni');
    const revoked = await revokeAccess(deps, owner, { member: users.bob!, product: 'alumni', reason: 'chargeback abuse' });
    expect(revoked.ok).toBe(true);
    await drain();
    expect(rolesOf('bob')).toEqual([]);
    expect(sim.isMember(guildId, users.bob!)).toBe(true);
  });

  it('kicks when a "kick" product ends, unless another product keeps the member in the server', async () => {
    await grant('cat', 'cohort', 1);
    await grant('dan', 'cohort', 1);
    await grant('dan', 'alumni');
    expect(rolesOf('dan')).toEqual(['alumni', 'cohort']);
    await expire();
    expect(sim.isMember(guildId, users.cat!)).toBe(false);
    expect(sim.isMember(guildId, users.dan!)).toBe(true);
    expect(rolesOf('dan')).toEqual(['alumni']);
  });

  it('swaps the sold roles for the grace role during grace, and a renewal swaps them back', async () => {
    const set = await manageSettings(deps, owner, { grace_access: 'role', grace_role: `${guildId}/${roles.grace}` });
    expect(set.ok && set.value.fields?.[1]?.value).toBe(`members hold role ${roles.grace} instead of the sold roles`);
    const [eve] = await database.db.select().from(platformIdentities).where(eq(platformIdentities.platformUserId, users.eve!));
    const [club] = await database.db.select().from(products).where(eq(products.slug, 'club'));
    const [order] = await database.db.insert(orders).values({ communityId, memberId: eve!.memberId, productId: club!.id, provider: 'stripe', amount: 900, currency: 'USD' }).returning();
    const apply = async (facts: PaymentFact[]) => {
      await withOrderLock(database.db, order!.id, (tx, locked) => applyPaymentFacts(tx, locked, 'stripe', facts, clock.now()));
      const grants = await database.db.select({ id: accessGrants.id }).from(accessGrants).where(eq(accessGrants.memberId, eve!.memberId));
      for (const { id } of grants) await applyGrant(deps, id);
    };
    const snapshot = (status: 'active' | 'past_due', days: number): PaymentFact => ({ kind: 'subscription', ref: 'sub-eve', status, currentPeriodEnd: new Date(clock.now().getTime() + days * DAY), cancelAtPeriodEnd: false, canceledAt: null });
    await apply([{ kind: 'charge', ref: 'in-eve-1', amount: 900, currency: 'USD', occurredAt: clock.now() }, snapshot('active', 30)]);
    expect(rolesOf('eve')).toEqual(['club']);
    clock.advance(30 * DAY);
    await apply([snapshot('past_due', 0)]);
    expect(rolesOf('eve')).toEqual(['grace']);
    await apply([{ kind: 'charge', ref: 'in-eve-2', amount: 900, currency: 'USD', occurredAt: clock.now() }, snapshot('active', 30)]);
    expect(rolesOf('eve')).toEqual(['club']);

    const kept = await manageSettings(deps, owner, { grace_access: 'keep' });
    expect(kept.ok && kept.value.fields?.[1]?.value).toBe('members keep their roles');
  });
});
