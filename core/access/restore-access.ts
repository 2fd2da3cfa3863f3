import { and, eq, sql } from 'drizzle-orm';
import { enqueueGrants } from '../commerce/project-access.ts';
import { accessGrants, orders } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';

/**
 * The member's "get my access back" button on /my: every grant they are entitled to is applied
 * again, as if never observed (a fresh single-use invite for a chat they left or whose link
 * expired, the role again if someone took it away). Idempotent on the platforms; only the
 * actor's own grants in the actor's community.
 */
export async function restoreAccess(deps: Pick<CoreDeps, 'db' | 'queue'>, actor: Actor): Promise<Result<Reply, DomainError>> {
  const grants = await deps.db
    .update(accessGrants)
    .set({ observed: 'unknown', inviteLink: null, inviteExpiresAt: null, attempts: 0, blockedAt: null })
    .where(and(eq(accessGrants.communityId, actor.communityId), eq(accessGrants.memberId, actor.memberId), eq(accessGrants.desired, 'present'), sql`(${accessGrants.observed} <> 'present' or ${accessGrants.resourceKind} = 'discord_role')`))
    .returning({ id: accessGrants.id });
  await enqueueGrants(deps.queue, grants.map((grant) => grant.id));
  return ok({ body: t(actor.locale, grants.length ? 'my.restoring' : 'my.nothingToRestore'), ephemeral: true });
}

/** The member's billing button on /my: a Stripe billing portal link for their own order. */
export async function openBillingPortal(deps: Pick<CoreDeps, 'db' | 'payments'>, actor: Actor, orderId: string): Promise<Result<Reply, DomainError>> {
  const [order] = await deps.db
    .select({ customer: orders.providerCustomerId })
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.communityId, actor.communityId), eq(orders.memberId, actor.memberId), eq(orders.provider, 'stripe')));
  if (!order) return err({ code: 'order_not_found' });
  if (!order.customer || !deps.payments.stripe) return err({ code: 'provider_unavailable' });
  const url = await deps.payments.stripe.billingPortalUrl(order.customer);
  return ok({ body: t(actor.locale, 'my.billingBody'), actions: [{ buttons: [{ label: t(actor.locale, 'my.billingOpen'), url }] }], ephemeral: true, confidential: true });
}
