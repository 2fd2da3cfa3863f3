import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import type { JobQueue } from '../ports.ts';
import { accessGrants, type CommunitySettings, communities, entitlements, platformSpaces, productGrants, products } from '../db/schema/index.ts';

/** Entitlement states that carry access. */
export const ACCESS_STATUSES = ['active', 'grace'] as const;

export type ChangedGrant = { grantId: string; desired: 'present' | 'absent' };

type EndAction = 'remove' | 'kick' | 'keep';
type Wanted = { kind: 'discord_role' | 'telegram_chat'; spaceId: string; resourceId: string; reason: string };
type Held = Awaited<ReturnType<typeof heldResources>>[number];

/**
 * Recomputes the member's desired access on platform resources from every entitlement they
 * hold in the community: a role or chat is `present` while at least one active or grace
 * entitlement grants it (two products granting one role keep it until the last ends) and
 * `absent` otherwise. With a grace role set for a Discord server, a member whose roles there
 * are kept only by entitlements in grace holds the grace role instead. A grant that turns absent
 * carries the ending product's end action (see `endActionOf`). Only resources Lyceum manages
 * are touched. Returns the grants whose desired state changed, for the access worker to apply.
 */
export async function projectMemberAccess(tx: Queryable, communityId: string, memberId: string): Promise<ChangedGrant[]> {
  const held = await heldResources(tx, communityId, memberId);
  const [community] = await tx.select({ settings: communities.settings }).from(communities).where(eq(communities.id, communityId));
  const wanted = wantedResources(held, community?.settings.graceRole);
  const existing = await tx
    .select({ id: accessGrants.id, kind: accessGrants.resourceKind, spaceId: accessGrants.spaceId, resourceId: accessGrants.resourceId, desired: accessGrants.desired })
    .from(accessGrants)
    .where(and(eq(accessGrants.communityId, communityId), eq(accessGrants.memberId, memberId)));
  const existingByKey = new Map(existing.map((grant) => [keyOf(grant.kind, grant.resourceId), grant]));
  const changed: ChangedGrant[] = [];

  for (const grant of wanted.values()) {
    if (existingByKey.get(keyOf(grant.kind, grant.resourceId))?.desired === 'present') continue;
    const [row] = await tx
      .insert(accessGrants)
      .values({ communityId, memberId, spaceId: grant.spaceId, resourceKind: grant.kind, resourceId: grant.resourceId, desired: 'present', reason: grant.reason })
      .onConflictDoUpdate({
        target: [accessGrants.communityId, accessGrants.memberId, accessGrants.resourceKind, accessGrants.resourceId],
        set: { desired: 'present', reason: grant.reason, endAction: null, attempts: 0, lastError: null },
      })
      .returning({ id: accessGrants.id });
    if (row) changed.push({ grantId: row.id, desired: 'present' });
  }
  for (const grant of existing) {
    if (grant.desired === 'absent' || wanted.has(keyOf(grant.kind, grant.resourceId))) continue;
    const stillInSpace = [...wanted.values()].some((other) => other.spaceId === grant.spaceId);
    const endAction = endActionOf(held, grant, stillInSpace);
    await tx
      .update(accessGrants)
      .set({ desired: 'absent', reason: 'no active entitlement', endAction, attempts: 0, lastError: null })
      .where(eq(accessGrants.id, grant.id));
    changed.push({ grantId: grant.id, desired: 'absent' });
  }
  return changed;
}

const keyOf = (kind: string, resourceId: string | null) => `${kind}/${resourceId}`;

/** Every role and chat the member's entitlements (of any status) grant, with the product's end action. */
async function heldResources(tx: Queryable, communityId: string, memberId: string) {
  return tx
    .select({
      kind: productGrants.kind,
      spaceId: productGrants.spaceId,
      guildId: platformSpaces.externalId,
      resourceId: productGrants.resourceId,
      entitlementId: entitlements.id,
      status: entitlements.status,
      endAction: products.endAction,
      changedAt: entitlements.updatedAt,
    })
    .from(entitlements)
    .innerJoin(productGrants, eq(productGrants.productId, entitlements.productId))
    .innerJoin(products, eq(products.id, entitlements.productId))
    .innerJoin(platformSpaces, eq(platformSpaces.id, productGrants.spaceId))
    .where(and(eq(entitlements.communityId, communityId), eq(entitlements.memberId, memberId), inArray(productGrants.kind, ['discord_role', 'telegram_chat'])));
}

function wantedResources(held: Held[], graceRole: CommunitySettings['graceRole']): Map<string, Wanted> {
  const carrying = held.filter((row) => (ACCESS_STATUSES as readonly string[]).includes(row.status));
  const wanted = new Map<string, Wanted & { active: boolean; guildId: string }>();
  for (const row of carrying) {
    const key = keyOf(row.kind, row.resourceId);
    const current = wanted.get(key);
    const active = row.status === 'active' || Boolean(current?.active);
    const reason = current ? `${current.reason},${row.entitlementId}` : row.entitlementId;
    wanted.set(key, { kind: row.kind === 'discord_role' ? 'discord_role' : 'telegram_chat', spaceId: row.spaceId!, resourceId: row.resourceId!, guildId: row.guildId, reason, active });
  }
  if (graceRole) {
    // In grace, the server's sold roles are swapped for the grace role until a renewal arrives.
    const inGrace = [...wanted].filter(([, grant]) => grant.kind === 'discord_role' && grant.guildId === graceRole.guildId && !grant.active);
    for (const [key] of inGrace) wanted.delete(key);
    const space = inGrace[0]?.[1];
    if (space) wanted.set(keyOf('discord_role', graceRole.roleId), { kind: 'discord_role', spaceId: space.spaceId, resourceId: graceRole.roleId, guildId: graceRole.guildId, reason: 'grace', active: false });
  }
  return new Map([...wanted].map(([key, { kind, spaceId, resourceId, reason }]) => [key, { kind, spaceId, resourceId, reason }]));
}

/**
 * How an ending grant goes: the end action of the product whose entitlement ended last for it.
 * `keep` holds only for a period that ran out (a refund, a lost dispute or a creator's revoke
 * always takes access away); `kick` only when nothing else keeps the member in that server; a
 * role swapped for the grace role, or a resource no entitlement explains, is simply removed.
 */
function endActionOf(held: Held[], grant: { kind: string; spaceId: string; resourceId: string }, stillInSpace: boolean): EndAction {
  const ended = held
    .filter((row) => row.kind === grant.kind && row.resourceId === grant.resourceId && !(ACCESS_STATUSES as readonly string[]).includes(row.status))
    .sort((a, b) => b.changedAt.getTime() - a.changedAt.getTime())[0];
  if (!ended) return 'remove';
  if (ended.endAction === 'keep') return ended.status === 'expired' ? 'keep' : 'remove';
  if (ended.endAction === 'kick' && (stillInSpace || grant.kind !== 'discord_role')) return 'remove';
  return ended.endAction;
}

/** Hands grants to the access worker, after the transaction that changed them has committed. */
export async function enqueueGrants(queue: JobQueue, grantIds: Iterable<string>): Promise<void> {
  for (const grantId of grantIds) await queue.enqueue('access.apply-grant', { grantId });
}
