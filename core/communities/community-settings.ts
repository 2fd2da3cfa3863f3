import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { GRACE_DAYS } from '../commerce/refresh-entitlement.ts';
import { type CommunitySettings, communities, platformSpaces } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { studioSettingChanges, studioSettingFields, studioSettingsInput } from '../studio/studio-settings.ts';
import { supportSettingChanges, supportSettingFields, supportSettingsInput } from '../support/support-settings.ts';
import { limitSettingChanges, limitSettingFields, limitSettingsInput } from '../safety/limit-settings.ts';
import { forgetLimits } from '../safety/rate-limits.ts';
import { applyDeliverySettings, deliverySettingFields, deliverySettingsInput } from '../delivery/delivery-settings.ts';

export const settingsInput = supportSettingsInput.extend(studioSettingsInput.shape).extend(deliverySettingsInput.shape).extend(limitSettingsInput.shape).extend({
  grace_days: z.coerce.number().int().min(0).max(30).optional(),
  /** `keep`: members keep their roles during grace; `role`: they hold `grace_role` instead. */
  grace_access: z.enum(['keep', 'role']).optional(),
  /** `<guild id>/<role id>` of a linked Discord server. */
  grace_role: z.string().trim().regex(/^\d{5,25}\/\d{5,25}$/, 'server id/role id').optional(),
  /** Set by the Discord adapter when the bot could not manage `grace_role`. */
  grace_roleBlocked: z.enum(['above_bot', 'managed', 'everyone', 'no_manage_roles']).optional(),
});

/**
 * `/settings [grace_days:N] [grace_access:keep|role] [grace_role:@role]` for creators: shows the
 * community's access settings and changes the ones given. Grace days apply to renewals that fail
 * from now on (and to grace periods re-derived later); a grace role swaps the server's sold roles
 * for itself while a member is in grace (members already in grace follow at their next change).
 * Audited.
 */
export async function manageSettings(deps: Pick<CoreDeps, 'db'>, actor: Actor, input: z.infer<typeof settingsInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'commerce.manage')) return err({ code: 'forbidden', permission: 'commerce.manage' });
  const [current] = await deps.db.select({ settings: communities.settings }).from(communities).where(eq(communities.id, actor.communityId));
  const support = await supportSettingChanges(deps.db, actor, current?.settings ?? {}, input);
  if (!support.ok) return support;
  const delivery = await applyDeliverySettings(deps.db, actor, input);
  if (!delivery.ok) return delivery;
  const changes: Omit<CommunitySettings, 'graceRole' | 'refundWindowDays' | 'blockedWords' | 'rateLimits'> & { graceRole?: CommunitySettings['graceRole'] | null; refundWindowDays?: number | null; blockedWords?: string[] | null; rateLimits?: CommunitySettings['rateLimits'] | null } = {
    ...support.value,
    ...studioSettingChanges(current?.settings ?? {}, input),
    ...delivery.value,
    ...limitSettingChanges(current?.settings ?? {}, input),
  };
  if (input.grace_days !== undefined) changes.graceDays = input.grace_days;
  if (input.grace_access === 'keep') changes.graceRole = null;
  else if (input.grace_role) {
    if (input.grace_roleBlocked) return err({ code: 'role_not_assignable', reason: input.grace_roleBlocked });
    const [guildId, roleId] = input.grace_role.split('/') as [string, string];
    const [space] = await deps.db
      .select({ id: platformSpaces.id })
      .from(platformSpaces)
      .where(and(eq(platformSpaces.communityId, actor.communityId), eq(platformSpaces.platform, 'discord'), eq(platformSpaces.externalId, guildId)));
    if (!space) return err({ code: 'invalid_input', details: t(actor.locale, 'product.unknownSpace') });
    changes.graceRole = { guildId, roleId };
  } else if (input.grace_access === 'role') return err({ code: 'invalid_input', details: t(actor.locale, 'settings.graceRoleMissing') });
  let settings = current?.settings ?? {};
  if (Object.keys(changes).length) {
    // jsonb `||` merges; a null grace role, refund window or word list is dropped so turning it off leaves no key behind.
    const [updated] = await deps.db
      .update(communities)
      .set({ settings: sql`jsonb_strip_nulls(${communities.settings} || ${JSON.stringify(changes)}::jsonb)` })
      .where(eq(communities.id, actor.communityId))
      .returning({ settings: communities.settings });
    settings = updated?.settings ?? settings;
    forgetLimits(actor.communityId);
    await recordAudit(deps.db, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'community.settings', details: changes });
  }
  const graceRole = settings.graceRole ? t(actor.locale, 'settings.graceRoleValue', { role: settings.graceRole.roleId }) : t(actor.locale, 'settings.graceKeep');
  return ok({
    title: t(actor.locale, 'settings.title', { community: actor.communityName }),
    fields: [
      { name: t(actor.locale, 'settings.graceDays'), value: String(settings.graceDays ?? GRACE_DAYS) },
      { name: t(actor.locale, 'settings.graceAccess'), value: graceRole },
      ...supportSettingFields(actor.locale, settings),
      ...studioSettingFields(actor.locale, settings),
      ...(await deliverySettingFields(deps.db, actor.locale, actor.communityId, settings)),
      ...limitSettingFields(actor.locale, settings),
    ],
    ephemeral: true,
  });
}
