import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { communities, entitlements, orders, products, subscriptions } from '../db/schema/index.ts';

/** How long a subscription whose renewal failed keeps access, unless the community says otherwise. */
export const GRACE_DAYS = 3;
const DAY_MS = 86_400_000;
/** How late a Stars renewal may arrive after the period's end before access ends. */
export const RENEWAL_MARGIN_MS = 2 * 3_600_000;

type EntitlementState = Pick<typeof entitlements.$inferInsert, 'endsAt' | 'graceUntil' | 'revokedAt' | 'revokeReason'> & {
  status: (typeof entitlements.$inferSelect)['status'];
};

/**
 * Keeps the order's one entitlement equal to what its order and subscription say, at `now`.
 * One-time purchases are active once paid; subscriptions follow their provider status (past_due
 * is a grace period that ends GRACE_DAYS after the period); a Stars or sandbox period that was
 * not renewed ends by the clock; a full refund or a chargeback revokes. Nothing is created before there is
 * something to grant, and the row is only ever updated afterwards (one per order/subscription).
 */
export type EntitlementChange = { entitlementId: string; from: EntitlementStatus | undefined; to: EntitlementStatus };
type EntitlementStatus = (typeof entitlements.$inferSelect)['status'];

export async function refreshEntitlement(tx: Queryable, orderId: string, now: Date): Promise<EntitlementChange | undefined> {
  const [row] = await tx
    .select({ order: orders, kind: products.kind, subscription: subscriptions, settings: communities.settings })
    .from(orders)
    .innerJoin(products, eq(products.id, orders.productId))
    .innerJoin(communities, eq(communities.id, orders.communityId))
    .leftJoin(subscriptions, eq(subscriptions.orderId, orders.id))
    .where(eq(orders.id, orderId));
  if (!row) return undefined;
  const { order, kind, subscription } = row;
  const graceDays = row.settings.graceDays ?? GRACE_DAYS;
  // A creator's /revoke is final: later payment events do not bring the access back.
  const [existing] = await tx
    .select({ details: entitlements.details, status: entitlements.status })
    .from(entitlements)
    .where(subscription ? eq(entitlements.subscriptionId, subscription.id) : eq(entitlements.orderId, order.id));
  if (existing?.details.revokedBy) return undefined;
  const state = desiredState(order, kind === 'subscription' ? subscription : undefined, kind, now, graceDays);
  if (!state) return undefined;
  const revoked = state.status === 'revoked';
  // The first revocation's time stays when the same facts are applied again.
  const revokedAt = revoked ? sql`coalesce(${entitlements.revokedAt}, ${now.toISOString()}::timestamptz)` : null;
  const values = { ...state, revokedAt: revoked ? now : null, revokeReason: revoked ? state.revokeReason : null };
  const set = { ...values, revokedAt };
  const owner = { communityId: order.communityId, memberId: order.memberId, productId: order.productId };
  const [written] =
    kind === 'subscription' && subscription
      ? await tx
          .insert(entitlements)
          .values({ ...owner, source: 'subscription', subscriptionId: subscription.id, startsAt: now, ...values })
          .onConflictDoUpdate({ target: entitlements.subscriptionId, set })
          .returning({ id: entitlements.id })
      : kind === 'one_time'
        ? await tx
            .insert(entitlements)
            .values({ ...owner, source: 'order', orderId: order.id, startsAt: order.paidAt ?? now, ...values })
            .onConflictDoUpdate({ target: entitlements.orderId, set })
            .returning({ id: entitlements.id })
        : [];
  return written ? { entitlementId: written.id, from: existing?.status, to: state.status } : undefined;
}

function desiredState(
  order: typeof orders.$inferSelect,
  subscription: typeof subscriptions.$inferSelect | null | undefined,
  kind: 'one_time' | 'subscription',
  now: Date,
  graceDays: number,
): EntitlementState | undefined {
  const revoke = (reason: string): EntitlementState => ({ status: 'revoked', revokeReason: reason, endsAt: now, graceUntil: null });
  const everPaid = order.status !== 'pending' && order.status !== 'failed' && order.status !== 'expired' && order.status !== 'canceled';
  if (kind === 'one_time') {
    if (!everPaid) return undefined;
    if (order.status === 'refunded') return revoke('refunded');
    if (order.status === 'disputed') return revoke('disputed');
    return { status: 'active', endsAt: null, graceUntil: null };
  }
  if (!subscription) return undefined;
  if (order.status === 'refunded') return revoke('refunded');
  if (order.status === 'disputed') return revoke('disputed');
  const periodEnd = subscription.currentPeriodEnd;
  const expired = (at: Date | null): EntitlementState => ({ status: 'expired', endsAt: at ?? now, graceUntil: null });
  switch (subscription.status) {
    case 'trialing':
    case 'active':
      // Stars and the sandbox say nothing when a period is not renewed: the clock ends it.
      if (subscription.provider !== 'stripe' && periodEnd && periodEnd.getTime() + RENEWAL_MARGIN_MS < now.getTime()) return expired(periodEnd);
      return { status: 'active', endsAt: periodEnd, graceUntil: null };
    case 'past_due': {
      const graceUntil = new Date((periodEnd ?? now).getTime() + graceDays * DAY_MS);
      return graceUntil < now ? expired(graceUntil) : { status: 'grace', endsAt: periodEnd, graceUntil };
    }
    case 'canceled':
    case 'expired':
      return { status: 'expired', endsAt: subscription.canceledAt ?? periodEnd ?? now, graceUntil: null };
  }
}
