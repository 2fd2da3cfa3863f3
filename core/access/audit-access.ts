import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { type AccessDifference, findDifferences } from './find-differences.ts';
import { repairDifferences } from './repair-differences.ts';
import { lastUndoableBatch } from './undo-audit.ts';

const SHOWN = 20;

/**
 * `/access audit` compares, for every Discord server and Telegram chat the community sells, who
 * has access with who is entitled to it, as the platforms report it now, and lists each
 * difference with its reason (a dry run: nothing changes). `apply` repairs them as one audited
 * batch; `undo` reverts the last batch applied.
 */
export async function auditAccess(
  deps: Pick<CoreDeps, 'db' | 'access' | 'queue' | 'clock'>,
  actor: Actor,
  mode: 'dry_run' | 'apply' | 'undo',
): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'commerce.manage')) return err({ code: 'forbidden', permission: 'commerce.manage' });
  const { locale } = actor;
  if (mode === 'undo') return undoLast(deps, actor);
  const { differences, checked } = await findDifferences(deps, actor.communityId, { fresh: true });
  if (mode === 'apply') {
    const repaired = await repairDifferences(deps, actor.communityId, differences, { actorMemberId: actor.memberId });
    return ok({ body: t(locale, 'audit.applied', { count: repaired.length }), ephemeral: true });
  }
  const lines = differences.slice(0, SHOWN).map((difference) => describe(actor, difference));
  if (differences.length > SHOWN) lines.push(t(locale, 'audit.more', { count: differences.length - SHOWN }));
  return ok({
    title: t(locale, 'audit.title', { checked }),
    body: truncate(differences.length ? lines.join('\n') : t(locale, 'audit.clean'), replyLimits.body),
    ephemeral: true,
  });
}

function describe(actor: Actor, difference: AccessDifference): string {
  const line = t(actor.locale, `audit.${difference.kind}`, { name: difference.name, role: difference.resourceId, place: difference.place, reason: difference.detail ?? '' });
  return difference.detail && difference.kind !== 'bot_lacks_permission' ? `${line} (${difference.detail})` : line;
}

async function undoLast(deps: Pick<CoreDeps, 'db' | 'queue'>, actor: Actor): Promise<Result<Reply, DomainError>> {
  const batch = await lastUndoableBatch(deps, actor.communityId);
  if (!batch) return ok({ body: t(actor.locale, 'audit.nothing_to_undo'), ephemeral: true });
  await deps.queue.enqueue('access.undo-audit', { communityId: actor.communityId, auditId: batch.id, requestedBy: actor.memberId });
  return ok({ body: t(actor.locale, 'audit.undoing', { count: batch.count }), ephemeral: true });
}
