import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueGrants, projectMemberAccess } from '../commerce/project-access.ts';
import { entitlements } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { findCreatorTarget } from './creator-target.ts';
import { err, ok, type Result } from '../result.ts';

export const revokeInput = z.object({
  member: z.string().trim().min(1).max(100),
  product: z.string().trim().min(1).max(100),
  reason: z.string().trim().min(3).max(500),
});

/**
 * `/revoke <member> <product> <reason>` for creators: every live entitlement of the member to
 * the product ends now, marked as revoked by a creator so later payment events do not bring it
 * back (money is a separate matter: /refund). Audited with the reason.
 */
export async function revokeAccess(deps: Pick<CoreDeps, 'db' | 'queue' | 'clock'>, actor: Actor, input: z.infer<typeof revokeInput>): Promise<Result<Reply, DomainError>> {
  const target = await findCreatorTarget(deps, actor, input);
  if (!target.ok) return target;
  const { member, product } = target.value;
  const now = deps.clock.now();
  const { revoked, changed } = await deps.db.transaction(async (tx) => {
    const rows = await tx
      .update(entitlements)
      .set({
        status: 'revoked',
        revokedAt: now,
        revokeReason: input.reason,
        details: sql`${entitlements.details} || ${JSON.stringify({ revokedBy: actor.memberId })}::jsonb`,
      })
      .where(and(eq(entitlements.communityId, actor.communityId), eq(entitlements.memberId, member.memberId), eq(entitlements.productId, product.id), inArray(entitlements.status, ['active', 'grace'])))
      .returning({ id: entitlements.id });
    if (!rows.length) return { revoked: 0, changed: [] };
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'access.revoke', targetKind: 'member', targetId: member.memberId, details: { productId: product.id, reason: input.reason, entitlements: rows.length } });
    return { revoked: rows.length, changed: await projectMemberAccess(tx, actor.communityId, member.memberId) };
  });
  if (!revoked) return err({ code: 'nothing_to_revoke' });
  await enqueueGrants(deps.queue, changed.map((grant) => grant.grantId));
  return ok({ body: t(actor.locale, 'revoke.done', { member: member.displayName, product: product.name }), ephemeral: true });
}
