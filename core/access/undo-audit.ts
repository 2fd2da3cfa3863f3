import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { accessGrants, auditLog } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import { repairedDifference } from './repair-differences.ts';

/** Left on a grant an undo put back: retries and reconciliation leave it alone until `/access retry`. */
export const HELD_BY_UNDO = 'reverted by /access audit undo: run /access retry to apply it again';

const batchDetails = z.object({ repaired: z.array(repairedDifference) });

/** The last applied audit batch of a community that was not undone yet. */
export async function lastUndoableBatch(deps: Pick<CoreDeps, 'db'>, communityId: string): Promise<{ id: number; count: number; at: Date } | undefined> {
  const [last] = await deps.db
    .select({ id: auditLog.id, action: auditLog.action, details: auditLog.details, at: auditLog.createdAt })
    .from(auditLog)
    .where(and(eq(auditLog.communityId, communityId), eq(auditLog.action, 'access.audit_apply')))
    .orderBy(desc(auditLog.id))
    .limit(1);
  if (!last) return undefined;
  const [undone] = await deps.db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.communityId, communityId), eq(auditLog.action, 'access.audit_undo'), eq(auditLog.targetId, String(last.id))))
    .limit(1);
  if (undone) return undefined;
  return { id: last.id, count: batchDetails.parse(last.details).repaired.length, at: last.at };
}

/**
 * Reverts one applied audit batch on Discord, as it was before: a role the batch added is taken
 * away again and a role it removed is given back, each grant held (not retried) until a creator
 * runs `/access retry`. Telegram repairs cannot be reverted (a bot cannot add anyone to a chat)
 * and are counted. Idempotent: running it twice makes the same calls and lands in the same rows.
 */
export async function undoAuditBatch(
  deps: Pick<CoreDeps, 'db' | 'access' | 'clock'>,
  input: { communityId: string; auditId: number; requestedBy?: string | undefined },
): Promise<Result<{ reverted: number; notReverted: number }, DomainError>> {
  const [batch] = await deps.db
    .select({ details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.id, input.auditId), eq(auditLog.communityId, input.communityId), eq(auditLog.action, 'access.audit_apply')));
  if (!batch) return err({ code: 'invalid_input', details: `no applied audit batch ${input.auditId} in this community` });
  const { repaired } = batchDetails.parse(batch.details);
  let reverted = 0;
  let notReverted = 0;
  for (const item of repaired) {
    const gateway = deps.access?.discord;
    if (item.platform !== 'discord' || (item.kind !== 'missing_role' && item.kind !== 'role_without_entitlement')) {
      notReverted += 1;
      continue;
    }
    if (!gateway) throw new Error('no Discord gateway in this worker (is its bot token set?)');
    const present = item.kind === 'role_without_entitlement';
    const outcome = await gateway.setRole({ guildId: item.place, userId: item.userId, roleId: item.resourceId, present, reason: 'Lyceum: /access audit undo' });
    if (outcome.kind !== 'done') {
      notReverted += 1;
      continue;
    }
    await deps.db
      .update(accessGrants)
      .set({ observed: present ? 'present' : 'absent', blockedAt: deps.clock.now(), lastError: HELD_BY_UNDO })
      .where(and(eq(accessGrants.id, item.grantId), eq(accessGrants.communityId, input.communityId)));
    reverted += 1;
  }
  await recordAudit(deps.db, { communityId: input.communityId, actorMemberId: input.requestedBy, action: 'access.audit_undo', targetKind: 'audit_log', targetId: String(input.auditId), details: { reverted, notReverted } });
  return ok({ reverted, notReverted });
}
