import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { projectMemberAccess } from '../commerce/project-access.ts';
import { findProduct } from '../commerce/products.ts';
import { entitlements } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { findMember } from '../members/find-member.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';

const DAY_MS = 86_400_000;

export const grantInput = z.object({
  member: z.string().trim().min(1).max(100),
  product: z.string().trim().min(1).max(100),
  days: z.coerce.number().int().min(1).max(3650).optional(),
});

/**
 * `/grant <member> <product> [days]` for creators: a gift or manual grant, no money involved.
 * It is its own entitlement (source `manual`), so it adds to what the member paid for and ends
 * on its own; access follows through the same projection as a purchase. Audited.
 */
export async function grantAccess(deps: Pick<CoreDeps, 'db' | 'queue' | 'clock'>, actor: Actor, input: z.infer<typeof grantInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'commerce.manage')) return err({ code: 'forbidden', permission: 'commerce.manage' });
  const member = await findMember(deps.db, { communityId: actor.communityId, platform: actor.platform, ref: input.member });
  if (!member) return err({ code: 'member_not_found' });
  const product = await findProduct(deps.db, { communityId: actor.communityId, ref: input.product, includeArchived: true });
  if (!product) return err({ code: 'product_not_found' });
  const now = deps.clock.now();
  const endsAt = input.days ? new Date(now.getTime() + input.days * DAY_MS) : null;
  const changed = await deps.db.transaction(async (tx) => {
    const [granted] = await tx
      .insert(entitlements)
      .values({ communityId: actor.communityId, memberId: member.memberId, productId: product.id, source: 'manual', startsAt: now, endsAt, details: { grantedBy: actor.memberId } })
      .returning({ id: entitlements.id });
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, action: 'access.grant', targetKind: 'entitlement', targetId: granted!.id, details: { memberId: member.memberId, productId: product.id, days: input.days ?? null } });
    return projectMemberAccess(tx, actor.communityId, member.memberId);
  });
  for (const grant of changed) await deps.queue.enqueue('access.apply-grant', { grantId: grant.grantId });
  const until = endsAt ? t(actor.locale, 'grant.until', { date: endsAt.toISOString().slice(0, 10) }) : t(actor.locale, 'grant.forever');
  return ok({ body: t(actor.locale, 'grant.done', { member: member.displayName, product: product.name, until }), ephemeral: true });
}
