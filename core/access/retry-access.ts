import { and, eq, isNotNull } from 'drizzle-orm';
import { enqueueGrants } from '../commerce/project-access.ts';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { accessGrants, communityAlerts } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { showAccessStatus } from './access-status.ts';
import { auditAccess } from './audit-access.ts';
import { err, ok, type Result } from '../result.ts';

export const accessInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('retry') }),
  z.object({ action: z.literal('status'), member: z.string().trim().min(1).max(100) }),
  z.object({ action: z.literal('audit'), mode: z.enum(['apply', 'undo']).optional() }),
]);

/**
 * `/access status <member>` (see access-status), `/access audit` (see audit-access), and `/access retry` for creators, once they fixed what blocked access (a permission, the bot's
 * role position): every blocked grant of the community is queued again and the standing alerts
 * are cleared, so a new failure alerts again. Audited.
 */
export async function manageAccess(deps: Pick<CoreDeps, 'db' | 'queue' | 'access' | 'clock'>, actor: Actor, input: z.infer<typeof accessInput>): Promise<Result<Reply, DomainError>> {
  if (input.action === 'status') return showAccessStatus(deps, actor, input.member);
  if (input.action === 'audit') return auditAccess(deps, actor, input.mode ?? 'dry_run');
  if (!can(actor.role, 'commerce.manage')) return err({ code: 'forbidden', permission: 'commerce.manage' });
  const blocked = await deps.db
    .update(accessGrants)
    .set({ blockedAt: null, attempts: 0 })
    .where(and(eq(accessGrants.communityId, actor.communityId), isNotNull(accessGrants.blockedAt)))
    .returning({ id: accessGrants.id });
  await deps.db.delete(communityAlerts).where(eq(communityAlerts.communityId, actor.communityId));
  await enqueueGrants(deps.queue, blocked.map((grant) => grant.id));
  await recordAudit(deps.db, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'access.retry', details: { grants: blocked.length } });
  return ok({ body: t(actor.locale, 'access.retrying', { count: blocked.length }), ephemeral: true });
}
