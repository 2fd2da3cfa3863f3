import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { communities, platformSpaces } from '../db/schema/index.ts';
import type { Platform } from '../members/actor.ts';

export async function findSpace(db: Queryable, platform: Platform, externalId: string) {
  const [row] = await db
    .select({ id: platformSpaces.id, communityId: platformSpaces.communityId })
    .from(platformSpaces)
    .where(and(eq(platformSpaces.platform, platform), eq(platformSpaces.externalId, externalId)));
  return row;
}

export async function listSpaces(db: Queryable, communityId: string) {
  return db
    .select({ platform: platformSpaces.platform, kind: platformSpaces.kind, title: platformSpaces.title })
    .from(platformSpaces)
    .where(eq(platformSpaces.communityId, communityId))
    .orderBy(asc(platformSpaces.createdAt));
}

export async function findCommunityBySlug(db: Queryable, slug: string) {
  const [row] = await db
    .select({ id: communities.id, name: communities.name })
    .from(communities)
    .where(eq(communities.slug, slug));
  return row;
}
