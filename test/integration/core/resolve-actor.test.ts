import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberships, platformIdentities } from '../../../core/db/schema/index.ts';
import { resolveActor, setActiveCommunity } from '../../../core/members/resolve-actor.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { consoleCaller, createCommunity } from '../../support/fixtures.ts';

describe('resolveActor', () => {
  let database: TestDatabase;
  let community: Awaited<ReturnType<typeof createCommunity>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    community = await createCommunity(database.db, { name: 'Makers', defaultLocale: 'zh' });
  });
  afterAll(() => database.drop());

  it('creates the member, identity and membership on first contact', async () => {
    const caller = consoleCaller(community.spaceId, 'first-contact', 'en-GB');
    const result = await resolveActor(database, caller);
    expect(result).toMatchObject({
      ok: true,
      value: { communityId: community.id, communityName: 'Makers', role: 'member', locale: 'en', platformUserId: 'first-contact' },
    });
    const again = await resolveActor(database, caller);
    expect(again.ok && again.value.memberId).toBe(result.ok && result.value.memberId);
  });

  it('creates one member when the first events of a new user race', async () => {
    const caller = consoleCaller(community.spaceId, 'racer');
    const results = await Promise.all(Array.from({ length: 8 }, () => resolveActor(database, caller)));
    const memberIds = new Set(results.map((r) => (r.ok ? r.value.memberId : 'failed')));
    expect(memberIds.size).toBe(1);
    expect(memberIds.has('failed')).toBe(false);
    const [row] = await database.db.execute<{ members: number }>(sql`
      select count(distinct m.id)::int as members from members m
      join platform_identities pi on pi.member_id = m.id where pi.platform_user_id = 'racer'`);
    expect(row?.members).toBe(1);
    const [orphans] = await database.db.execute<{ n: number }>(sql`
      select count(*)::int as n from members m where not exists (select 1 from platform_identities pi where pi.member_id = m.id)`);
    expect(orphans?.n).toBe(0);
  });

  it('falls back to the community language when the platform locale is not one we speak', async () => {
    const result = await resolveActor(database, consoleCaller(community.spaceId, 'francophone', 'fr'));
    expect(result.ok && result.value.locale).toBe('zh');
  });

  it('refuses a space that no community has linked', async () => {
    expect(await resolveActor(database, consoleCaller('unlinked-space'))).toEqual({
      ok: false,
      error: { code: 'space_not_linked' },
    });
  });

  it('uses the last community the member acted in for private chats', async () => {
    const userId = 'dm-user';
    expect(await resolveActor(database, consoleCaller(undefined, userId))).toEqual({
      ok: false,
      error: { code: 'no_active_community' },
    });
    await resolveActor(database, consoleCaller(community.spaceId, userId));
    const inPrivate = await resolveActor(database, consoleCaller(undefined, userId));
    expect(inPrivate.ok && inPrivate.value.communityId).toBe(community.id);

    const other = await createCommunity(database.db, { name: 'Other' });
    await setActiveCommunity(database.db, consoleCaller(undefined, userId), other.id);
    const switched = await resolveActor(database, consoleCaller(undefined, userId));
    expect(switched.ok && switched.value.communityName).toBe('Other');
  });

  it('refuses a member who was banned from the community', async () => {
    const caller = consoleCaller(community.spaceId, 'troublemaker');
    const first = await resolveActor(database, caller);
    if (!first.ok) throw new Error('expected an actor');
    await database.db
      .update(memberships)
      .set({ status: 'banned' })
      .where(and(eq(memberships.communityId, community.id), eq(memberships.memberId, first.value.memberId)));
    expect(await resolveActor(database, caller)).toEqual({ ok: false, error: { code: 'membership_inactive' } });
  });

  it('keeps one identity per platform user and records the username', async () => {
    await resolveActor(database, { ...consoleCaller(community.spaceId, 'renamed'), username: 'old' });
    await resolveActor(database, { ...consoleCaller(community.spaceId, 'renamed'), username: 'new' });
    const rows = await database.db
      .select({ username: platformIdentities.username })
      .from(platformIdentities)
      .where(eq(platformIdentities.platformUserId, 'renamed'));
    expect(rows).toEqual([{ username: 'new' }]);
  });
});
