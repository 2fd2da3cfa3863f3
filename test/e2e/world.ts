import { and, eq } from 'drizzle-orm';
import { encodeAction } from '../../core/actions.ts';
import { createLinkCode } from '../../core/communities/link-codes.ts';
import { memberships, platformIdentities, platformSpaces, productGrants, products } from '../../core/db/schema/index.ts';
import type { MemberRole } from '../../core/members/rbac.ts';
import { seedDemoCommunity } from '../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { commandDeps } from '../support/core-deps.ts';
import { FakeClock } from '../support/fakes.ts';
import { createCommunity, createCourse } from '../support/fixtures.ts';

export type World = Awaited<ReturnType<typeof createWorld>>;

/**
 * What every front-door e2e test starts from: the demo community (≈20 courses in English and
 * Chinese, six categories) and a second community whose course must never be reachable from
 * the first, on a database of its own.
 */
export async function createWorld() {
  const database: TestDatabase = await createTestDatabase();
  const clock = new FakeClock();
  const demo = await seedDemoCommunity(database.db, clock.now());
  const other = await createCommunity(database.db, { name: 'Other Academy' });
  const otherCourse = await createCourse(database.db, other.id, { title: 'Secret Other Course', slug: 'secret-other' });
  const [owner] = await database.db
    .select({ memberId: memberships.memberId })
    .from(memberships)
    .where(and(eq(memberships.communityId, demo.communityId), eq(memberships.role, 'owner')));
  if (!owner) throw new Error('the demo community has no owner');
  return {
    database,
    clock,
    deps: commandDeps(database.db, { clock }),
    communityId: demo.communityId,
    otherCourseId: otherCourse.id,
    /** A one-time code an admin redeems with /setup to link a server or group to the demo community. */
    linkCode: async () => (await createLinkCode(database.db, { communityId: demo.communityId, memberId: owner.memberId, now: clock.now() })).code,
    /** Fixture: a platform user (who has talked to the bot) becomes a creator of the demo community. */
    makeCreator: (platform: 'discord' | 'telegram', userId: string) => setRole(platform, userId, 'creator'),
    /** Fixture: a linked Telegram group becomes a seat that buying the product grants. */
    sellTelegramChat: async (chatId: number, productSlug = 'python-bootcamp') => {
      const [space] = await database.db.select().from(platformSpaces).where(and(eq(platformSpaces.platform, 'telegram'), eq(platformSpaces.externalId, String(chatId))));
      const [product] = await database.db.select().from(products).where(and(eq(products.communityId, demo.communityId), eq(products.slug, productSlug)));
      if (!space || !product) throw new Error(`chat ${chatId} is not linked, or there is no product ${productSlug}`);
      await database.db.insert(productGrants).values({ communityId: demo.communityId, productId: product.id, kind: 'telegram_chat', spaceId: space.id, resourceId: String(chatId) });
    },
    /** Fixture: a platform user (who has talked to the bot) gets this role in the demo community. */
    setRole: (platform: 'discord' | 'telegram', userId: string, role: MemberRole) => setRole(platform, userId, role),
  };

  async function setRole(platform: 'discord' | 'telegram', userId: string, role: MemberRole) {
    const [identity] = await database.db
      .select({ memberId: platformIdentities.memberId })
      .from(platformIdentities)
      .where(and(eq(platformIdentities.platform, platform), eq(platformIdentities.platformUserId, userId)));
    if (!identity) throw new Error(`${platform} user ${userId} has no identity yet`);
    await database.db.update(memberships).set({ role }).where(and(eq(memberships.communityId, demo.communityId), eq(memberships.memberId, identity.memberId)));
  }
}

/** A well-formed button payload that points at a course of another community: a forgery. */
export const forgedCourseButton = (courseId: string) => encodeAction({ type: 'course.show', courseId });
