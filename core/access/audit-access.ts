import { and, eq, inArray } from 'drizzle-orm';
import { enqueueGrants } from '../commerce/project-access.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { accessGrants, members, memberships, platformIdentities, platformSpaces, productGrants } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { ensureIdentity } from '../members/resolve-actor.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';

const SHOWN = 20;

export type AccessDifference = {
  kind: 'missing_role' | 'role_without_entitlement' | 'member_left';
  guildId: string;
  roleId: string;
  userId: string;
  name: string;
};

/**
 * `/access audit` (a dry run; `/access audit apply` repairs): compares, for every Discord server of the community, who holds
 * the roles Lyceum sells with who is entitled to them, as Discord reports it now, and lists each
 * difference with its reason. Only roles Lyceum manages are looked at; nothing is changed.
 */
export async function auditAccess(
  deps: Pick<CoreDeps, 'db' | 'access' | 'queue'>,
  actor: Actor,
  options: { apply: boolean } = { apply: false },
): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'commerce.manage')) return err({ code: 'forbidden', permission: 'commerce.manage' });
  const { locale } = actor;
  const found = await findDifferences(deps, actor.communityId);
  if ('blocked' in found) return ok({ body: t(locale, 'audit.blocked', { reason: found.blocked }), ephemeral: true });
  if (options.apply) {
    const repaired = await repair(deps, actor, found.differences);
    return ok({ body: t(locale, 'audit.applied', { count: repaired }), ephemeral: true });
  }
  const lines = found.differences.slice(0, SHOWN).map((difference) => t(locale, `audit.${difference.kind}`, { name: difference.name, role: difference.roleId }));
  if (found.differences.length > SHOWN) lines.push(t(locale, 'audit.more', { count: found.differences.length - SHOWN }));
  return ok({
    title: t(locale, 'audit.title', { checked: found.checked }),
    body: truncate(found.differences.length ? lines.join('\n') : t(locale, 'audit.clean'), replyLimits.body),
    ephemeral: true,
  });
}

/**
 * `/access audit apply`: each difference goes back through the grants, so the access worker
 * repairs it the usual way (a missing role is applied again; a role held without an entitlement
 * becomes a grant desired absent, which removes it). Members who left are waited for. One
 * audited batch, listing what was repaired.
 */
async function repair(deps: Pick<CoreDeps, 'db' | 'queue'>, actor: Actor, differences: AccessDifference[]): Promise<number> {
  const toApply: string[] = [];
  await deps.db.transaction(async (tx) => {
    for (const difference of differences) {
      if (difference.kind === 'member_left') continue;
      const [space] = await tx.select({ id: platformSpaces.id }).from(platformSpaces).where(and(eq(platformSpaces.communityId, actor.communityId), eq(platformSpaces.platform, 'discord'), eq(platformSpaces.externalId, difference.guildId)));
      if (!space) continue;
      const identity = await ensureIdentity(tx, { platform: 'discord', userId: difference.userId, displayName: difference.name });
      await tx.insert(memberships).values({ communityId: actor.communityId, memberId: identity.memberId }).onConflictDoNothing();
      const desired = difference.kind === 'missing_role' ? ('present' as const) : ('absent' as const);
      const observed = difference.kind === 'missing_role' ? ('absent' as const) : ('present' as const);
      const [grant] = await tx
        .insert(accessGrants)
        .values({ communityId: actor.communityId, memberId: identity.memberId, spaceId: space.id, resourceKind: 'discord_role', resourceId: difference.roleId, desired, observed, reason: `audit: ${difference.kind}` })
        .onConflictDoUpdate({
          target: [accessGrants.communityId, accessGrants.memberId, accessGrants.resourceKind, accessGrants.resourceId],
          set: { observed, attempts: 0, lastError: null, blockedAt: null },
        })
        .returning({ id: accessGrants.id });
      if (grant) toApply.push(grant.id);
    }
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, action: 'access.audit_apply', details: { differences: differences.filter((difference) => difference.kind !== 'member_left') } });
  });
  await enqueueGrants(deps.queue, toApply);
  return toApply.length;
}

/** The differences themselves, for the dry run and for repairing them. */
export async function findDifferences(
  deps: Pick<CoreDeps, 'db' | 'access'>,
  communityId: string,
): Promise<{ differences: AccessDifference[]; checked: number } | { blocked: string }> {
  const gateway = deps.access?.discord;
  const sold = await deps.db
    .selectDistinct({ guildId: platformSpaces.externalId, spaceId: platformSpaces.id, roleId: productGrants.resourceId })
    .from(productGrants)
    .innerJoin(platformSpaces, eq(platformSpaces.id, productGrants.spaceId))
    .where(and(eq(productGrants.communityId, communityId), eq(productGrants.kind, 'discord_role')));
  const differences: AccessDifference[] = [];
  let checked = 0;
  const guilds = [...new Set(sold.map((row) => row.guildId))];
  for (const guildId of guilds) {
    const roleIds = sold.filter((row) => row.guildId === guildId).map((row) => row.roleId!);
    if (!gateway?.observeRoles) return { blocked: 'no Discord connection in this process' };
    const observed = await gateway.observeRoles({ guildId, roleIds });
    if ('blocked' in observed) return observed;
    checked += observed.members.size;
    const entitled = await deps.db
      .select({ userId: platformIdentities.platformUserId, name: members.displayName, roleId: accessGrants.resourceId })
      .from(accessGrants)
      .innerJoin(platformSpaces, eq(platformSpaces.id, accessGrants.spaceId))
      .innerJoin(members, eq(members.id, accessGrants.memberId))
      .innerJoin(platformIdentities, and(eq(platformIdentities.memberId, accessGrants.memberId), eq(platformIdentities.platform, 'discord')))
      .where(and(eq(accessGrants.communityId, communityId), eq(platformSpaces.externalId, guildId), eq(accessGrants.resourceKind, 'discord_role'), eq(accessGrants.desired, 'present')));
    const wanted = new Set(entitled.map((row) => `${row.userId}/${row.roleId}`));
    for (const row of entitled) {
      const held = observed.members.get(row.userId);
      if (!held) differences.push({ kind: 'member_left', guildId, roleId: row.roleId, userId: row.userId, name: row.name });
      else if (!held.includes(row.roleId)) differences.push({ kind: 'missing_role', guildId, roleId: row.roleId, userId: row.userId, name: row.name });
    }
    const names = await namesOf(deps, [...observed.members.keys()]);
    for (const [userId, held] of observed.members) {
      for (const roleId of held) {
        if (!wanted.has(`${userId}/${roleId}`)) differences.push({ kind: 'role_without_entitlement', guildId, roleId, userId, name: names.get(userId) ?? userId });
      }
    }
  }
  return { differences, checked };
}

async function namesOf(deps: Pick<CoreDeps, 'db'>, userIds: string[]): Promise<Map<string, string>> {
  if (!userIds.length) return new Map();
  const rows = await deps.db
    .select({ userId: platformIdentities.platformUserId, name: members.displayName })
    .from(platformIdentities)
    .innerJoin(members, eq(members.id, platformIdentities.memberId))
    .where(and(eq(platformIdentities.platform, 'discord'), inArray(platformIdentities.platformUserId, userIds)));
  return new Map(rows.map((row) => [row.userId, row.name]));
}
