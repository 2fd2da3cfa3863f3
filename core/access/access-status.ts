import { and, desc, eq } from 'drizzle-orm';
import { recentOrders } from '../commerce/recent-orders.ts';
import { accessGrants, entitlements, platformSpaces, products } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { formatMoney } from '../format.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { findMember } from '../members/find-member.ts';
import { can } from '../members/rbac.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : '—');

/**
 * `/access status <member>` for creators and staff: in one message, every entitlement of the
 * member (source, status, until, why it ended), every platform grant (desired vs observed,
 * attempts, the last error, blocked or not) and the latest orders.
 */
export async function showAccessStatus(deps: Pick<CoreDeps, 'db'>, actor: Actor, memberRef: string): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'support.handle')) return err({ code: 'forbidden', permission: 'support.handle' });
  const member = await findMember(deps.db, { communityId: actor.communityId, platform: actor.platform, ref: memberRef });
  if (!member) return err({ code: 'member_not_found' });
  const mine = (table: typeof entitlements | typeof accessGrants) =>
    and(eq(table.communityId, actor.communityId), eq(table.memberId, member.memberId));
  const [owned, grants, recent] = await Promise.all([
    deps.db
      .select({ product: products.name, source: entitlements.source, status: entitlements.status, endsAt: entitlements.endsAt, graceUntil: entitlements.graceUntil, revokeReason: entitlements.revokeReason })
      .from(entitlements)
      .innerJoin(products, eq(products.id, entitlements.productId))
      .where(mine(entitlements))
      .orderBy(desc(entitlements.updatedAt)),
    deps.db
      .select({ grant: accessGrants, space: platformSpaces.title, platform: platformSpaces.platform })
      .from(accessGrants)
      .innerJoin(platformSpaces, eq(platformSpaces.id, accessGrants.spaceId))
      .where(mine(accessGrants)),
    recentOrders(deps.db, { communityId: actor.communityId, memberId: member.memberId }),
  ]);
  const { locale } = actor;
  const entitlementLines = owned.map((row) => {
    const until = row.status === 'grace' ? day(row.graceUntil) : day(row.endsAt);
    return `${row.product} · ${row.source} · ${t(locale, `entitlement.${row.status}`)} · ${until}${row.revokeReason ? ` · ${row.revokeReason}` : ''}`;
  });
  const grantLines = grants.map(({ grant, space, platform }) => {
    const state = `${grant.desired}/${grant.observed}`;
    const problem = grant.blockedAt ? ` · ${t(locale, 'status.blocked')}: ${grant.lastError}` : grant.lastError ? ` · ${grant.lastError}` : '';
    return `${platform} ${space || grant.spaceId} ${grant.resourceKind === 'discord_role' ? `role ${grant.resourceId}` : 'chat'} · ${state} · ${t(locale, 'status.attempts', { count: grant.attempts })}${problem}`;
  });
  const orderLines = recent.map((row) => `#${row.id.slice(0, 8)} · ${day(row.createdAt)} · ${row.product} · ${formatMoney(locale, row.amount, row.currency)} · ${row.provider} · ${t(locale, `order.${row.status}`)}`);
  const field = (name: string, lines: string[]) => ({ name, value: truncate(lines.join('\n') || '—', replyLimits.fieldValue) });
  return ok({
    title: t(locale, 'status.title', { member: member.displayName }),
    fields: [field(t(locale, 'status.entitlements'), entitlementLines), field(t(locale, 'status.grants'), grantLines), field(t(locale, 'status.orders'), orderLines)],
    ephemeral: true,
  });
}
