import { and, eq, inArray } from 'drizzle-orm';
import { accessGrants, members, platformIdentities, platformSpaces, productGrants } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { observeChatMembers, observeGuild, type ObservedSpace } from './observations.ts';

/**
 * One way a platform disagrees with what members are entitled to, and why:
 * - `missing_role`: entitled, in the server, without the role;
 * - `role_without_entitlement`: holds a sold role no entitlement explains (by hand, or a removal that failed);
 * - `member_left`: entitled, but not in the server or chat any more;
 * - `invite_never_used`: entitled to a Telegram chat, invited, never joined;
 * - `in_chat_without_entitlement`: in a paid Telegram chat without an entitlement;
 * - `bot_lacks_permission`: the platform refused to show the space at all.
 */
export type AccessDifference = {
  kind: 'missing_role' | 'role_without_entitlement' | 'member_left' | 'invite_never_used' | 'in_chat_without_entitlement' | 'bot_lacks_permission';
  platform: 'discord' | 'telegram';
  spaceId: string;
  /** The guild or chat id. */
  place: string;
  /** The role id, or the chat id again. */
  resourceId: string;
  userId: string;
  name: string;
  /** Lyceum's grant behind it, when there is one. */
  grantId?: string;
  /** That grant's `updatedAt` when read, before the platform was: a repair applies only if it is unchanged. */
  grantVersion?: Date;
  /** Why: the grant's last error, or what the platform refused. */
  detail?: string;
};

export type Differences = { differences: AccessDifference[]; checked: number };
type Deps = Pick<CoreDeps, 'db' | 'access' | 'clock'>;

/**
 * Compares every grant and every sold role or chat of a community with what the platforms
 * report. `fresh` re-reads the platforms; otherwise recent observations answer (see observations).
 * Only what Lyceum sells is looked at; nothing is changed on any platform.
 */
export async function findDifferences(deps: Deps, communityId: string, options: { fresh: boolean }): Promise<Differences> {
  const sold = await deps.db
    .selectDistinct({ space: { id: platformSpaces.id, communityId: platformSpaces.communityId, externalId: platformSpaces.externalId, membersListedAt: platformSpaces.membersListedAt }, kind: productGrants.kind, resourceId: productGrants.resourceId })
    .from(productGrants)
    .innerJoin(platformSpaces, eq(platformSpaces.id, productGrants.spaceId))
    .where(and(eq(productGrants.communityId, communityId), inArray(productGrants.kind, ['discord_role', 'telegram_chat'])));
  const result: Differences = { differences: [], checked: 0 };
  const spaces = new Map(sold.map((row) => [row.space.id, row.space]));
  for (const space of spaces.values()) {
    const resources = sold.filter((row) => row.space.id === space.id);
    if (resources[0]!.kind === 'discord_role') await guildDifferences(deps, space, new Set(resources.map((row) => row.resourceId!)), options, result);
    else for (const { resourceId } of resources) await chatDifferences(deps, space, resourceId!, options, result);
  }
  return result;
}

async function grantsIn(deps: Deps, space: ObservedSpace, platform: 'discord' | 'telegram', resourceId?: string) {
  return deps.db
    .select({ id: accessGrants.id, version: accessGrants.updatedAt, userId: platformIdentities.platformUserId, name: members.displayName, resourceId: accessGrants.resourceId, desired: accessGrants.desired, endAction: accessGrants.endAction, observed: accessGrants.observed, blockedAt: accessGrants.blockedAt, lastError: accessGrants.lastError })
    .from(accessGrants)
    .innerJoin(members, eq(members.id, accessGrants.memberId))
    .innerJoin(platformIdentities, and(eq(platformIdentities.memberId, accessGrants.memberId), eq(platformIdentities.platform, platform)))
    .where(and(eq(accessGrants.communityId, space.communityId), eq(accessGrants.spaceId, space.id), ...(resourceId ? [eq(accessGrants.resourceId, resourceId)] : [])));
}

async function guildDifferences(deps: Deps, space: ObservedSpace, soldRoles: Set<string>, options: { fresh: boolean }, result: Differences) {
  const base = { platform: 'discord' as const, spaceId: space.id, place: space.externalId };
  // Grants first: one changed after this read (another repair) has a newer version and is left alone.
  const grants = await grantsIn(deps, space, 'discord');
  const observed = await observeGuild(deps, deps.access?.discord, space, options);
  if ('blocked' in observed) {
    result.differences.push({ ...base, kind: 'bot_lacks_permission', resourceId: '', userId: '', name: '', detail: observed.blocked });
    return;
  }
  result.checked += observed.members.size;
  const wanted = new Set<string>();
  const grantOf = new Map(grants.map((grant) => [`${grant.userId}/${grant.resourceId}`, grant]));
  for (const grant of grants) {
    // A product that lets members keep their access after it ends explains the role too.
    if (grant.desired === 'absent' && grant.endAction === 'keep') wanted.add(`${grant.userId}/${grant.resourceId}`);
    if (grant.desired !== 'present') continue;
    wanted.add(`${grant.userId}/${grant.resourceId}`);
    const line = { ...base, resourceId: grant.resourceId, userId: grant.userId, name: grant.name, grantId: grant.id, grantVersion: grant.version, ...(grant.blockedAt && grant.lastError ? { detail: grant.lastError } : {}) };
    const held = observed.members.get(grant.userId);
    if (!held) result.differences.push({ ...line, kind: 'member_left' });
    else if (!held.includes(grant.resourceId)) result.differences.push({ ...line, kind: 'missing_role' });
  }
  const unexplained: Array<[string, string]> = [];
  for (const [userId, held] of observed.members) {
    for (const roleId of held) if (soldRoles.has(roleId) && !wanted.has(`${userId}/${roleId}`)) unexplained.push([userId, roleId]);
  }
  const names = await namesOf(deps, unexplained.map(([userId]) => userId));
  for (const [userId, roleId] of unexplained) {
    const grant = grantOf.get(`${userId}/${roleId}`);
    result.differences.push({ ...base, kind: 'role_without_entitlement', resourceId: roleId, userId, name: names.get(userId) ?? userId, ...(grant ? { grantId: grant.id, grantVersion: grant.version } : {}) });
  }
}

async function chatDifferences(deps: Deps, space: ObservedSpace, chatId: string, options: { fresh: boolean }, result: Differences) {
  const base = { platform: 'telegram' as const, spaceId: space.id, place: chatId, resourceId: chatId };
  const grants = await grantsIn(deps, space, 'telegram', chatId);
  const observed = await observeChatMembers(deps, deps.access?.telegram, space, [...new Set(grants.map((grant) => grant.userId))], options);
  if ('blocked' in observed) {
    result.differences.push({ ...base, kind: 'bot_lacks_permission', userId: '', name: '', detail: observed.blocked });
    return;
  }
  result.checked += observed.members.size;
  for (const grant of grants) {
    const member = observed.members.get(grant.userId);
    if (!member) continue;
    const line = { ...base, userId: grant.userId, name: grant.name, grantId: grant.id, grantVersion: grant.version, ...(grant.blockedAt && grant.lastError ? { detail: grant.lastError } : {}) };
    if (grant.desired === 'present' && !member.present) {
      result.differences.push({ ...line, kind: grant.observed === 'invited' || grant.observed === 'unknown' ? 'invite_never_used' : 'member_left' });
    } else if (grant.desired === 'absent' && grant.endAction !== 'keep' && member.present && member.status !== 'administrator' && member.status !== 'creator') {
      result.differences.push({ ...line, kind: 'in_chat_without_entitlement' });
    }
  }
}

async function namesOf(deps: Pick<CoreDeps, 'db'>, userIds: string[]): Promise<Map<string, string>> {
  if (!userIds.length) return new Map();
  const rows = await deps.db
    .select({ userId: platformIdentities.platformUserId, name: members.displayName })
    .from(platformIdentities)
    .innerJoin(members, eq(members.id, platformIdentities.memberId))
    .where(and(eq(platformIdentities.platform, 'discord'), inArray(platformIdentities.platformUserId, [...new Set(userIds)])));
  return new Map(rows.map((row) => [row.userId, row.name]));
}
