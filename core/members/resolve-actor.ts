import { randomUUID } from 'node:crypto';
import { and, eq, sql, TransactionRollbackError } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { communities, members, memberships, platformIdentities, platformSpaces } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { toLocale } from '../i18n/index.ts';
import { err, ok, type Result } from '../result.ts';
import type { Actor, Caller, Platform } from './actor.ts';

/**
 * Turns a platform caller into an actor of one community: creates the member and platform
 * identity on first contact, joins them to the community as `member`, and remembers the
 * community for later private chats. The community comes from the space the event happened in,
 * or, in a private chat, from the identity's active community.
 */
export async function resolveActor(deps: Pick<CoreDeps, 'db'>, caller: Caller): Promise<Result<Actor, DomainError>> {
  const { db } = deps;
  const identity = await ensureIdentity(db, caller);
  const communityId = caller.spaceId
    ? await findSpaceCommunity(db, caller.platform, caller.spaceId)
    : identity.activeCommunityId;
  if (!communityId) return err({ code: caller.spaceId ? 'space_not_linked' : 'no_active_community' });

  const membership = await ensureMembership(db, communityId, identity.memberId);
  if (membership.status !== 'active') return err({ code: 'membership_inactive' });
  if (identity.activeCommunityId !== communityId) {
    await db
      .update(platformIdentities)
      .set({ activeCommunityId: communityId })
      .where(eq(platformIdentities.id, identity.id));
  }
  return ok({
    memberId: identity.memberId,
    communityId,
    communityName: membership.communityName,
    communitySlug: membership.communitySlug,
    role: membership.role,
    locale: toLocale(caller.locale) ?? toLocale(identity.locale) ?? toLocale(membership.defaultLocale) ?? 'en',
    platform: caller.platform,
    platformUserId: caller.userId,
  });
}

/** Chooses the community a private chat talks about (deep links, /start payloads, tests). */
export async function setActiveCommunity(
  db: Queryable,
  caller: Caller,
  communityId: string,
): Promise<void> {
  const identity = await ensureIdentity(db, caller);
  await db
    .update(platformIdentities)
    .set({ activeCommunityId: communityId })
    .where(eq(platformIdentities.id, identity.id));
}

type Identity = { id: string; memberId: string; activeCommunityId: string | null; locale: string | null };

/** The caller's member and platform identity, created on first contact (race-safe). */
export async function ensureIdentity(db: Queryable, caller: Caller): Promise<Identity> {
  const existing = await findIdentity(db, caller.platform, caller.userId);
  if (existing) {
    if (existing.stale || existing.username !== (caller.username ?? null)) {
      await db
        .update(platformIdentities)
        .set({ lastSeenAt: sql`now()`, username: caller.username ?? null, locale: caller.locale ?? existing.locale })
        .where(eq(platformIdentities.id, existing.id));
    }
    return existing;
  }
  // First contact. Two events from a new user can race: the loser's transaction rolls back and
  // it reads the winner's identity.
  const memberId = randomUUID();
  const created = await db.transaction(async (tx) => {
    await tx.insert(members).values({ id: memberId, displayName: caller.displayName, locale: caller.locale ?? null });
    const [identity] = await tx
      .insert(platformIdentities)
      .values({
        memberId,
        platform: caller.platform,
        platformUserId: caller.userId,
        username: caller.username ?? null,
        locale: caller.locale ?? null,
        lastSeenAt: sql`now()`,
      })
      .onConflictDoNothing()
      .returning({ id: platformIdentities.id });
    if (!identity) tx.rollback();
    return identity;
  }).catch((error: unknown) => {
    if (error instanceof TransactionRollbackError) return undefined;
    throw error;
  });
  if (created) return { id: created.id, memberId, activeCommunityId: null, locale: caller.locale ?? null };
  const winner = await findIdentity(db, caller.platform, caller.userId);
  if (!winner) throw new Error(`platform identity ${caller.platform}/${caller.userId} vanished during creation`);
  return winner;
}

async function findIdentity(db: Queryable, platform: Platform, platformUserId: string) {
  const [row] = await db
    .select({
      id: platformIdentities.id,
      memberId: platformIdentities.memberId,
      activeCommunityId: platformIdentities.activeCommunityId,
      locale: platformIdentities.locale,
      username: platformIdentities.username,
      stale: sql<boolean>`coalesce(${platformIdentities.lastSeenAt} < now() - interval '5 minutes', true)`,
    })
    .from(platformIdentities)
    .where(and(eq(platformIdentities.platform, platform), eq(platformIdentities.platformUserId, platformUserId)));
  return row;
}

async function findSpaceCommunity(db: Queryable, platform: Platform, externalId: string) {
  const [row] = await db
    .select({ communityId: platformSpaces.communityId })
    .from(platformSpaces)
    .where(and(eq(platformSpaces.platform, platform), eq(platformSpaces.externalId, externalId)));
  return row?.communityId;
}

async function ensureMembership(db: Queryable, communityId: string, memberId: string) {
  await db.insert(memberships).values({ communityId, memberId }).onConflictDoNothing();
  const [row] = await db
    .select({
      role: memberships.role,
      status: memberships.status,
      communityName: communities.name,
      communitySlug: communities.slug,
      defaultLocale: communities.defaultLocale,
    })
    .from(memberships)
    .innerJoin(communities, eq(communities.id, memberships.communityId))
    .where(and(eq(memberships.communityId, communityId), eq(memberships.memberId, memberId)));
  if (!row) throw new Error(`membership of ${memberId} in ${communityId} missing right after upsert`);
  return row;
}
