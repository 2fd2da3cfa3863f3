import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueGrants } from '../commerce/project-access.ts';
import type { Queryable } from '../db/client.ts';
import { accessGrants, memberships } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { ensureIdentity } from '../members/resolve-actor.ts';
import type { AccessDifference } from './find-differences.ts';

/** One repaired difference as the audit log keeps it, enough to revert it (`/access audit undo`). */
export const repairedDifference = z.object({
  kind: z.enum(['missing_role', 'role_without_entitlement', 'invite_never_used', 'in_chat_without_entitlement']),
  platform: z.enum(['discord', 'telegram']),
  place: z.string(),
  resourceId: z.string(),
  userId: z.string(),
  grantId: z.uuid(),
});
export type RepairedDifference = z.infer<typeof repairedDifference>;

type Repairable = AccessDifference & { kind: RepairedDifference['kind'] };
const isRepairable = (difference: AccessDifference): difference is Repairable =>
  difference.kind !== 'member_left' && difference.kind !== 'bot_lacks_permission';

/**
 * Each difference goes back through its grant, so the access worker repairs it the usual way: a
 * missing role is applied again, a fresh invite replaces an unused one, a role or chat held without
 * an entitlement becomes a grant desired absent (which removes it). Members who left are waited for
 * (Discord gives roles back when they rejoin; Telegram's `/my` hands them a fresh invite). One
 * audited batch lists what was repaired.
 */
export async function repairDifferences(
  deps: Pick<CoreDeps, 'db' | 'queue'>,
  communityId: string,
  differences: AccessDifference[],
  by: { actorMemberId?: string | undefined },
): Promise<RepairedDifference[]> {
  const repaired: RepairedDifference[] = [];
  await deps.db.transaction(async (tx) => {
    for (const difference of differences.filter(isRepairable)) {
      const grantId = difference.grantId ?? (await adoptHolder(tx, communityId, difference));
      if (!grantId) continue;
      // A grant changed since the audit read it (a reconciliation or payment got there first)
      // knows better than the audit: marking it out of sync again would repeat the repair.
      const [marked] = await tx
        .update(accessGrants)
        .set({ ...observedBefore(difference.kind), attempts: 0, lastError: null, blockedAt: null })
        .where(and(eq(accessGrants.id, grantId), eq(accessGrants.communityId, communityId), ...(difference.grantVersion ? [unchangedSince(difference.grantVersion)] : [])))
        .returning({ id: accessGrants.id });
      if (!marked) continue;
      repaired.push({ kind: difference.kind, platform: difference.platform, place: difference.place, resourceId: difference.resourceId, userId: difference.userId, grantId });
    }
    if (repaired.length) await recordAudit(tx, { communityId, actorMemberId: by.actorMemberId, action: 'access.audit_apply', details: { repaired } });
  });
  await enqueueGrants(deps.queue, repaired.map((item) => item.grantId));
  return repaired;
}

/** What the platform shows now, recorded so the access worker sees the grant out of sync. */
function observedBefore(kind: Repairable['kind']) {
  switch (kind) {
    case 'missing_role':
      return { observed: 'absent' as const };
    case 'invite_never_used':
      return { observed: 'unknown' as const, inviteLink: null, inviteExpiresAt: null };
    default:
      return { observed: 'present' as const };
  }
}

/** Postgres keeps microseconds, a JS Date milliseconds: compare at the coarser of the two. */
const unchangedSince = (version: Date) => sql`date_trunc('milliseconds', ${accessGrants.updatedAt}) = ${version.toISOString()}::timestamptz`;

/**
 * Someone holds a sold role Lyceum never granted them: from now on a grant says they should not.
 * Undefined if a grant appeared since the audit (whoever made it decided).
 */
async function adoptHolder(tx: Queryable, communityId: string, difference: Repairable): Promise<string | undefined> {
  const identity = await ensureIdentity(tx, { platform: difference.platform, userId: difference.userId, displayName: difference.name });
  await tx.insert(memberships).values({ communityId, memberId: identity.memberId }).onConflictDoNothing();
  const resourceKind = difference.platform === 'discord' ? ('discord_role' as const) : ('telegram_chat' as const);
  const [grant] = await tx
    .insert(accessGrants)
    .values({ communityId, memberId: identity.memberId, spaceId: difference.spaceId, resourceKind, resourceId: difference.resourceId, desired: 'absent', observed: 'present', reason: `audit: ${difference.kind}` })
    .onConflictDoNothing({ target: [accessGrants.communityId, accessGrants.memberId, accessGrants.resourceKind, accessGrants.resourceId] })
    .returning({ id: accessGrants.id });
  return grant?.id;
}
