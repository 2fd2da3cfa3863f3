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
import { ok, type Result } from '../result.ts';

const DAY_MS = 86_400_000;

export const grantInput = z.object({
  member: z.string().trim().min(1).max(100),
  product: z.string().trim().min(1).max(100),
  days: z.coerce.number().int().min(1).max(3650).optional(),
  /** Set by the Discord adapter from the resolved user option: who the creator picked. */
  memberUser: z.object({ username: z.string().trim().min(1).max(100), displayName: z.string().trim().min(1).max(100), bot: z.boolean() }).optional(),
});

/**
 * `/grant <member> <product> [days]` for creators: a gift or manual grant, no money involved.
 * It is its own entitlement (source `manual`), so it adds to what the member paid for and ends
 * on its own; access follows through the same projection as a purchase. Audited.
 */
export async function grantAccess(deps: Pick<CoreDeps, 'db' | 'queue' | 'clock'>, actor: Actor, input: z.infer<typeof grantInput>): Promise<Result<Reply, DomainError>> {
  const target = await findCreatorTarget(deps, actor, { ...input, introduce: input.memberUser });
  if (!target.ok) return target;
  const { member, product } = target.value;
  const now = deps.clock.now();
  const endsAt = input.days ? new Date(now.getTime() + input.days * DAY_MS) : null;
  const changed = await deps.db.transaction(async (tx) => {
    const [granted] = await tx
      .insert(entitlements)
      .values({ communityId: actor.communityId, memberId: member.memberId, productId: product.id, source: 'manual', startsAt: now, endsAt, details: { grantedBy: actor.memberId } })
      .returning({ id: entitlements.id });
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'access.grant', targetKind: 'entitlement', targetId: granted!.id, details: { memberId: member.memberId, productId: product.id, days: input.days ?? null } });
    return projectMemberAccess(tx, actor.communityId, member.memberId);
  });
  await enqueueGrants(deps.queue, changed.map((grant) => grant.grantId));
  const until = endsAt ? t(actor.locale, 'grant.until', { date: endsAt.toISOString().slice(0, 10) }) : t(actor.locale, 'grant.forever');
  return ok({ body: t(actor.locale, 'grant.done', { member: member.displayName, product: product.name, until }), ephemeral: true });
}
