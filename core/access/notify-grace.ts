import { eq } from 'drizzle-orm';
import { entitlements, orders, products, subscriptions } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { ReplyButton } from '../reply.ts';
import { ok, type Result } from '../result.ts';
import { notifyMember } from './notify-member.ts';

/**
 * A renewal failed and the entitlement is in grace: the member is told until when access lasts
 * and given the way to pay — Stripe's billing portal (update the card, the provider retries),
 * or, for Stars, a Buy button for a fresh invoice. Sent once per grace (the job is keyed).
 */
export async function notifyGrace(deps: Pick<CoreDeps, 'db' | 'access' | 'payments' | 'log'>, entitlementId: string): Promise<Result<{ reached: boolean }, DomainError>> {
  const [row] = await deps.db
    .select({ entitlement: entitlements, product: products, provider: orders.provider, customer: orders.providerCustomerId })
    .from(entitlements)
    .innerJoin(products, eq(products.id, entitlements.productId))
    .innerJoin(subscriptions, eq(subscriptions.id, entitlements.subscriptionId))
    .innerJoin(orders, eq(orders.id, subscriptions.orderId))
    .where(eq(entitlements.id, entitlementId));
  if (!row || row.entitlement.status !== 'grace' || !row.entitlement.graceUntil) return ok({ reached: false });
  const { entitlement, product } = row;
  const portal = row.provider === 'stripe' && row.customer && deps.payments.stripe ? await deps.payments.stripe.billingPortalUrl(row.customer) : undefined;
  const reached = await notifyMember(deps, entitlement.memberId, (locale) => {
    const buttons: ReplyButton[] = portal
      ? [{ label: t(locale, 'grace.updatePayment'), url: portal }]
      : [{ label: t(locale, 'products.buy', { product: product.name }), action: { type: 'product.buy', productId: product.id } }];
    return { body: t(locale, 'grace.notice', { product: product.name, date: entitlement.graceUntil!.toISOString().slice(0, 10) }), actions: [{ buttons }] };
  });
  return ok({ reached });
}
