import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import type { JobQueue } from '../ports.ts';
import { accessGrants, entitlements, platformSpaces, productGrants } from '../db/schema/index.ts';

/** Entitlement states that carry access. */
export const ACCESS_STATUSES = ['active', 'grace'] as const;

export type ChangedGrant = { grantId: string; desired: 'present' | 'absent' };

/**
 * Recomputes the member's desired access on platform resources from every entitlement they
 * hold in the community: a role or chat is `present` while at least one active or grace
 * entitlement grants it (two products granting one role keep it until the last ends) and
 * `absent` otherwise. Only resources Lyceum manages are touched. Returns the grants whose
 * desired state changed, for the access worker to apply.
 */
export async function projectMemberAccess(tx: Queryable, communityId: string, memberId: string): Promise<ChangedGrant[]> {
  const wanted = await tx
    .selectDistinctOn([productGrants.kind, productGrants.resourceId], {
      kind: productGrants.kind,
      spaceId: productGrants.spaceId,
      resourceId: productGrants.resourceId,
      reason: sql<string>`string_agg(${entitlements.id}::text, ',') over (partition by ${productGrants.kind}, ${productGrants.resourceId})`,
    })
    .from(entitlements)
    .innerJoin(productGrants, eq(productGrants.productId, entitlements.productId))
    .innerJoin(platformSpaces, eq(platformSpaces.id, productGrants.spaceId))
    .where(
      and(
        eq(entitlements.communityId, communityId),
        eq(entitlements.memberId, memberId),
        inArray(entitlements.status, [...ACCESS_STATUSES]),
        inArray(productGrants.kind, ['discord_role', 'telegram_chat']),
      ),
    );
  const existing = await tx
    .select({ id: accessGrants.id, kind: accessGrants.resourceKind, resourceId: accessGrants.resourceId, desired: accessGrants.desired })
    .from(accessGrants)
    .where(and(eq(accessGrants.communityId, communityId), eq(accessGrants.memberId, memberId)));
  const keyOf = (kind: string, resourceId: string | null) => `${kind}/${resourceId}`;
  const existingByKey = new Map(existing.map((grant) => [keyOf(grant.kind, grant.resourceId), grant]));
  const wantedKeys = new Set(wanted.map((grant) => keyOf(grant.kind, grant.resourceId)));
  const changed: ChangedGrant[] = [];

  for (const grant of wanted) {
    const current = existingByKey.get(keyOf(grant.kind, grant.resourceId));
    if (current?.desired === 'present') continue;
    const kind = grant.kind === 'discord_role' ? 'discord_role' : 'telegram_chat';
    const [row] = await tx
      .insert(accessGrants)
      .values({ communityId, memberId, spaceId: grant.spaceId!, resourceKind: kind, resourceId: grant.resourceId!, desired: 'present', reason: grant.reason })
      .onConflictDoUpdate({
        target: [accessGrants.communityId, accessGrants.memberId, accessGrants.resourceKind, accessGrants.resourceId],
        set: { desired: 'present', reason: grant.reason, attempts: 0, lastError: null },
      })
      .returning({ id: accessGrants.id });
    if (row) changed.push({ grantId: row.id, desired: 'present' });
  }
  for (const grant of existing) {
    if (grant.desired === 'absent' || wantedKeys.has(keyOf(grant.kind, grant.resourceId))) continue;
    await tx
      .update(accessGrants)
      .set({ desired: 'absent', reason: 'no active entitlement', attempts: 0, lastError: null })
      .where(eq(accessGrants.id, grant.id));
    changed.push({ grantId: grant.id, desired: 'absent' });
  }
  return changed;
}

/** Hands grants to the access worker, after the transaction that changed them has committed. */
export async function enqueueGrants(queue: JobQueue, grantIds: Iterable<string>): Promise<void> {
  for (const grantId of grantIds) await queue.enqueue('access.apply-grant', { grantId });
}
