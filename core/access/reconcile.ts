import { and, eq, inArray, isNotNull, ne, or, isNull } from 'drizzle-orm';
import { enqueueGrants } from '../commerce/project-access.ts';
import { accessGrants, communityAlerts, platformSpaces, productGrants } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { t } from '../i18n/index.ts';
import { ok, type Result } from '../result.ts';
import { alertCreatorsOnce } from './alert-creators.ts';
import { applyGrant } from './apply-grant.ts';
import { findDifferences } from './find-differences.ts';
import { repairDifferences } from './repair-differences.ts';
import { HELD_BY_UNDO } from './undo-audit.ts';

type Deps = Pick<CoreDeps, 'db' | 'queue' | 'clock' | 'access' | 'log'>;
export type ReconcileSummary = { communities: number; differences: number; repaired: number; unblocked: number };

/**
 * The scheduled reconciliation, for every community that sells Discord roles or Telegram chats:
 * 1. what a permanent refusal blocked is probed once per cause (one grant, not every member); if
 *    the creator fixed it, every grant it blocked is queued again and the alert is dropped;
 * 2. the differences (read from recent observations, so repeated runs ask the platforms nothing
 *    new) that concern Lyceum's own grants are repaired, as one audited batch;
 * 3. holders of sold roles Lyceum never granted are not touched (a creator may have meant it): the
 *    creators are told once to look at `/access audit`.
 */
export async function reconcileAll(deps: Deps): Promise<Result<ReconcileSummary, never>> {
  const summary: ReconcileSummary = { communities: 0, differences: 0, repaired: 0, unblocked: 0 };
  const communities = await deps.db
    .selectDistinct({ id: productGrants.communityId })
    .from(productGrants)
    .where(inArray(productGrants.kind, ['discord_role', 'telegram_chat']));
  for (const { id } of communities) {
    summary.communities += 1;
    summary.unblocked += await probeBlocked(deps, id);
    const { differences } = await findDifferences(deps, id, { fresh: false });
    summary.differences += differences.length;
    // An unused invite is not sent again on a schedule (the member has it, and `/my` makes a fresh one).
    const managed = differences.filter((difference) => difference.grantId && !difference.detail && difference.kind !== 'invite_never_used');
    summary.repaired += (await repairDifferences(deps, id, managed, {})).length;
    const unexplained = differences.filter((difference) => !difference.grantId && difference.kind === 'role_without_entitlement');
    await tellCreators(deps, id, unexplained.length, differences.find((difference) => difference.kind === 'bot_lacks_permission'));
  }
  return ok(summary);
}

/** One blocked grant per standing alert is tried again; when it goes through, the rest follow. */
async function probeBlocked(deps: Deps, communityId: string): Promise<number> {
  const alerts = await deps.db.select({ key: communityAlerts.key }).from(communityAlerts).where(eq(communityAlerts.communityId, communityId));
  let unblocked = 0;
  for (const { key } of alerts) {
    const [resourceKind, place, resourceId] = key.split('/');
    if ((resourceKind !== 'discord_role' && resourceKind !== 'telegram_chat') || !place || !resourceId) continue;
    const blocked = await deps.db
      .select({ id: accessGrants.id })
      .from(accessGrants)
      .innerJoin(platformSpaces, eq(platformSpaces.id, accessGrants.spaceId))
      .where(
        and(
          eq(accessGrants.communityId, communityId),
          eq(accessGrants.resourceKind, resourceKind),
          eq(accessGrants.resourceId, resourceId),
          eq(platformSpaces.externalId, place),
          isNotNull(accessGrants.blockedAt),
          or(isNull(accessGrants.lastError), ne(accessGrants.lastError, HELD_BY_UNDO)),
        ),
      );
    if (!blocked.length) {
      await deps.db.delete(communityAlerts).where(and(eq(communityAlerts.communityId, communityId), eq(communityAlerts.key, key)));
      continue;
    }
    const probe = await applyGrant(deps, blocked[0]!.id);
    if (!probe.ok || probe.value.outcome === 'blocked') continue;
    const rest = blocked.slice(1).map((grant) => grant.id);
    if (rest.length) await deps.db.update(accessGrants).set({ blockedAt: null, attempts: 0 }).where(inArray(accessGrants.id, rest));
    await deps.db.delete(communityAlerts).where(and(eq(communityAlerts.communityId, communityId), eq(communityAlerts.key, key)));
    await enqueueGrants(deps.queue, rest);
    unblocked += blocked.length;
  }
  return unblocked;
}

async function tellCreators(deps: Deps, communityId: string, unexplained: number, refused: { platform: 'discord' | 'telegram'; place: string; detail?: string } | undefined) {
  if (refused) {
    const gateway = refused.platform === 'discord' ? deps.access?.discord : deps.access?.telegram;
    if (gateway) await alertCreatorsOnce(deps, gateway, { communityId, platform: refused.platform, key: `audit/${refused.place}/read`, place: refused.place, reason: refused.detail ?? '' });
  }
  // One standing alert while unexplained holders exist; dropped when none are left, so a new case alerts again.
  const key = 'audit/unexplained';
  if (!unexplained) await deps.db.delete(communityAlerts).where(and(eq(communityAlerts.communityId, communityId), eq(communityAlerts.key, key)));
  else if (deps.access?.discord) {
    await alertCreatorsOnce(deps, deps.access.discord, {
      communityId,
      platform: 'discord',
      key,
      place: 'Discord',
      reason: `${unexplained} members hold a sold role without an entitlement`,
      body: (locale) => t(locale, 'audit.unexplained', { count: unexplained }),
    });
  }
}
