import { and, eq, inArray } from 'drizzle-orm';
import { enqueueGrants } from '../commerce/project-access.ts';
import type { Queryable } from '../db/client.ts';
import { accessGrants, memberships, platformIdentities, platformSpaces, productGrants } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { Caller } from '../members/actor.ts';
import { ensureIdentity } from '../members/resolve-actor.ts';
import { recordObservations } from './observations.ts';

/** Someone appeared in, or left, a server or chat: the platform's facts about it. */
export type PresenceChange = {
  caller: Caller & { spaceId: string };
  change: 'joined' | 'left';
  /** Telegram: they let themselves in through an invite link (not added by an admin). */
  joinedByLink?: boolean;
  /** Telegram: the chat's owner or an administrator; never removed by Lyceum. */
  isAdministrator?: boolean;
};

type Space = { id: string; communityId: string; kind: 'discord_role' | 'telegram_chat' };

/**
 * Keeps grants true to who is actually there. A member who joins (or comes back) gets what they
 * are entitled to applied again: Discord drops roles when someone leaves, so their role grants
 * are re-applied; a Telegram chat grant is now observed present. Someone who let themselves into
 * a paid Telegram chat through a leaked link without an entitlement is removed (ban + unban, so a
 * later purchase can still bring them in). A member who leaves is observed absent. Spaces no
 * community owns, and chats Lyceum does not sell, are left alone.
 */
export async function recordPresence(deps: Pick<CoreDeps, 'db' | 'queue' | 'clock'>, event: PresenceChange): Promise<{ enqueued: number }> {
  const space = await findSpace(deps.db, event.caller);
  if (!space) return { enqueued: 0 };
  const memberId = await memberOf(deps.db, event.caller);
  const grants = memberId ? await grantsIn(deps.db, space, memberId, event.caller.spaceId) : [];
  const now = deps.clock.now();
  const toApply: string[] = [];
  const status = event.change === 'left' ? 'left' : event.isAdministrator ? 'administrator' : 'member';
  // Discord drops every role on leave, so a newcomer holds none until they are given.
  await recordObservations(deps.db, space, [{ userId: event.caller.userId, present: event.change === 'joined', status }], now);

  if (event.change === 'left') {
    for (const grant of grants) await markObserved(deps.db, grant.id, 'absent', now);
    return { enqueued: 0 };
  }
  for (const grant of grants) {
    if (grant.desired !== 'present') continue;
    if (space.kind === 'telegram_chat') {
      await markObserved(deps.db, grant.id, 'present', now);
    } else {
      // Back in the server: the roles went with them when they left, so apply them again.
      await markObserved(deps.db, grant.id, 'unknown', now);
      toApply.push(grant.id);
    }
  }
  const entitled = grants.some((grant) => grant.desired === 'present');
  if (space.kind === 'telegram_chat' && !entitled && event.joinedByLink && !event.isAdministrator && (await isSold(deps.db, space, event.caller.spaceId))) {
    const identity = await ensureIdentity(deps.db, event.caller);
    await deps.db.insert(memberships).values({ communityId: space.communityId, memberId: identity.memberId }).onConflictDoNothing();
    const [grant] = await deps.db
      .insert(accessGrants)
      .values({ communityId: space.communityId, memberId: identity.memberId, spaceId: space.id, resourceKind: 'telegram_chat', resourceId: event.caller.spaceId, desired: 'absent', observed: 'present', reason: 'joined without an entitlement' })
      .onConflictDoUpdate({
        target: [accessGrants.communityId, accessGrants.memberId, accessGrants.resourceKind, accessGrants.resourceId],
        set: { observed: 'present', reason: 'joined without an entitlement', attempts: 0, lastError: null },
      })
      .returning({ id: accessGrants.id });
    if (grant) toApply.push(grant.id);
  }
  await enqueueGrants(deps.queue, toApply);
  return { enqueued: toApply.length };
}

/** Discord's GUILD_MEMBER_UPDATE: the member's roles now, kept for reconciliation (spaces of no community are ignored). */
export async function recordMemberRoles(deps: Pick<CoreDeps, 'db' | 'clock'>, update: { guildId: string; userId: string; roles: string[] }): Promise<void> {
  const space = await findSpace(deps.db, { platform: 'discord', userId: update.userId, displayName: '', spaceId: update.guildId });
  if (space) await recordObservations(deps.db, space, [{ userId: update.userId, present: true, roles: update.roles }], deps.clock.now());
}

/** The bot connected afresh: events may have been missed while it was away, so the next reconciliation lists the servers again. */
export async function forgetGuildListings(deps: Pick<CoreDeps, 'db'>, guildIds: string[]): Promise<void> {
  if (guildIds.length) await deps.db.update(platformSpaces).set({ membersListedAt: null }).where(and(eq(platformSpaces.platform, 'discord'), inArray(platformSpaces.externalId, guildIds)));
}

async function findSpace(db: Queryable, caller: Caller & { spaceId: string }): Promise<Space | undefined> {
  const [row] = await db
    .select({ id: platformSpaces.id, communityId: platformSpaces.communityId })
    .from(platformSpaces)
    .where(and(eq(platformSpaces.platform, caller.platform), eq(platformSpaces.externalId, caller.spaceId)));
  if (!row || caller.platform === 'console') return undefined;
  return { ...row, kind: caller.platform === 'discord' ? 'discord_role' : 'telegram_chat' };
}

async function memberOf(db: Queryable, caller: Caller): Promise<string | undefined> {
  const [row] = await db
    .select({ memberId: platformIdentities.memberId })
    .from(platformIdentities)
    .where(and(eq(platformIdentities.platform, caller.platform), eq(platformIdentities.platformUserId, caller.userId)));
  return row?.memberId;
}

/** The member's grants in this space: every managed role of a guild, or this one chat. */
async function grantsIn(db: Queryable, space: Space, memberId: string, externalId: string) {
  return db
    .select({ id: accessGrants.id, desired: accessGrants.desired })
    .from(accessGrants)
    .where(
      and(
        eq(accessGrants.communityId, space.communityId),
        eq(accessGrants.memberId, memberId),
        eq(accessGrants.spaceId, space.id),
        ...(space.kind === 'telegram_chat' ? [eq(accessGrants.resourceId, externalId)] : []),
      ),
    );
}

/** Whether a product of the community sells this chat (only then does Lyceum police it). */
async function isSold(db: Queryable, space: Space, chatId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: productGrants.id })
    .from(productGrants)
    .where(and(eq(productGrants.communityId, space.communityId), eq(productGrants.kind, 'telegram_chat'), eq(productGrants.resourceId, chatId)))
    .limit(1);
  return Boolean(row);
}

async function markObserved(db: Queryable, grantId: string, observed: 'present' | 'absent' | 'unknown', now: Date) {
  await db.update(accessGrants).set({ observed, syncedAt: now }).where(eq(accessGrants.id, grantId));
}
