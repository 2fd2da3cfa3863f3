import { and, desc, eq, inArray } from 'drizzle-orm';
import { enqueueGrants, projectMemberAccess } from '../commerce/project-access.ts';
import { recentOrders } from '../commerce/recent-orders.ts';
import { accessGrants, entitlements, platformSpaces, products } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { formatMoney } from '../format.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';

const day = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : '');

/**
 * The assistant's answer to "I paid but can't get in", for the member speaking and no one else:
 * what Lyceum knows of their payments and entitlements, access recomputed from them, and every
 * grant they are entitled to that the platform does not show (a missing role, an unused or
 * expired invite, a refusal since fixed) applied again through the access worker. It says what
 * it found and what it did; it never grants beyond the entitlements.
 */
export async function diagnoseAccess(deps: Pick<CoreDeps, 'db' | 'queue' | 'clock'>, actor: Actor): Promise<Reply> {
  const { locale } = actor;
  const now = deps.clock.now();
  const mine = (table: typeof entitlements | typeof accessGrants) => and(eq(table.communityId, actor.communityId), eq(table.memberId, actor.memberId));
  const { changed, repaired, fine, owned, recent } = await deps.db.transaction(async (tx) => {
    const changed = await projectMemberAccess(tx, actor.communityId, actor.memberId);
    const grants = await tx
      .select({ grant: accessGrants, place: platformSpaces.title, placeId: platformSpaces.externalId, platform: platformSpaces.platform })
      .from(accessGrants)
      .innerJoin(platformSpaces, eq(platformSpaces.id, accessGrants.spaceId))
      .where(and(mine(accessGrants), eq(accessGrants.desired, 'present')));
    const inviteLive = (grant: typeof accessGrants.$inferSelect) => grant.observed === 'invited' && (grant.inviteExpiresAt?.getTime() ?? 0) > now.getTime();
    const broken = grants.filter(({ grant }) => grant.blockedAt || (grant.observed !== 'present' && !inviteLive(grant)));
    if (broken.length) {
      await tx
        .update(accessGrants)
        .set({ observed: 'unknown', inviteLink: null, inviteExpiresAt: null, attempts: 0, blockedAt: null })
        .where(and(mine(accessGrants), inArray(accessGrants.id, broken.map(({ grant }) => grant.id))));
    }
    const owned = await tx
      .select({ product: products.name, status: entitlements.status, endsAt: entitlements.endsAt, graceUntil: entitlements.graceUntil, orderId: entitlements.orderId })
      .from(entitlements)
      .innerJoin(products, eq(products.id, entitlements.productId))
      .where(mine(entitlements))
      .orderBy(desc(entitlements.updatedAt));
    const recent = await recentOrders(tx, actor);
    return { changed, repaired: broken, fine: grants.filter((row) => !broken.includes(row)), owned, recent };
  });
  await enqueueGrants(deps.queue, new Set([...changed.map((grant) => grant.grantId), ...repaired.map(({ grant }) => grant.id)]));

  const lines: string[] = [];
  for (const row of owned) {
    const order = recent.find((candidate) => candidate.id === row.orderId);
    if (row.status === 'active' && order) lines.push(t(locale, 'support.access.paid', { amount: formatMoney(locale, order.amount, order.currency), date: day(order.createdAt), product: row.product }));
    else if (row.status === 'active') lines.push(t(locale, 'support.access.active', { product: row.product }));
    else if (row.status === 'grace') lines.push(t(locale, 'support.access.grace', { product: row.product, date: day(row.graceUntil) }));
    else lines.push(t(locale, row.status === 'expired' ? 'support.access.expired' : 'support.access.revoked', { product: row.product, date: day(row.endsAt) }));
  }
  const pending = recent.find((order) => order.status === 'pending');
  if (!owned.length) lines.push(pending ? t(locale, 'support.access.pending', { product: pending.product, date: day(pending.createdAt) }) : t(locale, 'support.access.none'));
  const where = (row: (typeof fine)[number]) => (row.grant.resourceKind === 'discord_role' ? t(locale, 'support.access.role', { place: row.place || row.placeId }) : t(locale, 'support.access.chat', { place: row.place || row.placeId }));
  for (const row of fine) lines.push(t(locale, 'support.access.ok', { what: where(row) }));
  for (const row of repaired) {
    const because = row.grant.lastError ? t(locale, 'support.access.because', { reason: row.grant.lastError }) : '';
    lines.push(t(locale, row.platform === 'telegram' ? 'support.access.fixingInvite' : 'support.access.fixing', { what: where(row), because }));
  }
  if (owned.some((row) => row.status === 'active' || row.status === 'grace') && !repaired.length && !changed.length) lines.push(t(locale, 'support.access.allGood'));
  return { title: t(locale, 'support.access.title'), body: truncate(lines.join('\n'), replyLimits.body), ephemeral: true };
}
