import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { GRACE_DAYS } from '../commerce/refresh-entitlement.ts';
import { communities } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';

export const settingsInput = z.object({ grace_days: z.coerce.number().int().min(0).max(30).optional() });

/**
 * `/settings [grace_days:N]` for creators: shows the community's access settings and changes
 * the ones given. Grace days apply to renewals that fail from now on (and to grace periods
 * re-derived later). Audited.
 */
export async function manageSettings(deps: Pick<CoreDeps, 'db'>, actor: Actor, input: z.infer<typeof settingsInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'commerce.manage')) return err({ code: 'forbidden', permission: 'commerce.manage' });
  if (input.grace_days !== undefined) {
    await deps.db
      .update(communities)
      .set({ settings: sql`${communities.settings} || ${JSON.stringify({ graceDays: input.grace_days })}::jsonb` })
      .where(eq(communities.id, actor.communityId));
    await recordAudit(deps.db, { communityId: actor.communityId, actorMemberId: actor.memberId, action: 'community.settings', details: { graceDays: input.grace_days } });
  }
  const [community] = await deps.db.select({ settings: communities.settings }).from(communities).where(eq(communities.id, actor.communityId));
  const graceDays = community?.settings.graceDays ?? GRACE_DAYS;
  return ok({ title: t(actor.locale, 'settings.title', { community: actor.communityName }), fields: [{ name: t(actor.locale, 'settings.graceDays'), value: String(graceDays) }], ephemeral: true });
}
