import { and, eq, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import { applyPaymentFacts, withOrderLock } from '../commerce/apply-payment-facts.ts';
import { enqueueGrants, projectMemberAccess } from '../commerce/project-access.ts';
import { entitlements, products, subscriptions } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { ok, type Result } from '../result.ts';
import { expireGrantedTrial } from '../growth/trials.ts';
import { invoiceEndingTrials } from '../growth/trial-invoices.ts';
import { notifyMember } from './notify-member.ts';

const DAY_MS = 86_400_000;
/** Reminders before an entitlement that will not renew ends, largest first. */
export const REMINDERS = [
  { key: '3d', before: 3 * DAY_MS },
  { key: '1d', before: DAY_MS },
] as const;
const BATCH = 500;

type LifecycleDeps = Pick<CoreDeps, 'db' | 'queue' | 'clock' | 'access' | 'log'>;

/**
 * The clock's part of access, run by a job scheduler: entitlements whose period or grace has
 * passed are re-derived at `now` (a Stars or sandbox period nobody renewed ends, a grace that ran
 * out ends) and their grants follow; members whose access ends without renewing are reminded
 * 3 days and 1 day before, once each. Idempotent: running it twice at the same time changes
 * nothing more and reminds nobody twice.
 */
export async function runLifecycle(deps: LifecycleDeps): Promise<Result<{ ended: number; reminded: number }, DomainError>> {
  const now = deps.clock.now();
  const invoiced = await invoiceEndingTrials(deps, now);
  return ok({ ended: await endDue(deps, now), reminded: (await remind(deps, now)) + invoiced });
}

async function endDue(deps: LifecycleDeps, now: Date): Promise<number> {
  const due = await deps.db
    .select({ id: entitlements.id, orderId: sql<string | null>`coalesce(${entitlements.orderId}, ${subscriptions.orderId})` })
    .from(entitlements)
    .leftJoin(subscriptions, eq(subscriptions.id, entitlements.subscriptionId))
    .where(
      and(
        inArray(entitlements.status, ['active', 'grace']),
        or(lte(entitlements.endsAt, now), lte(entitlements.graceUntil, now)),
        // Stripe's own state decides its active subscriptions; its grace still ends by the clock.
        or(sql`${subscriptions.provider} is distinct from 'stripe'`, eq(entitlements.status, 'grace')),
      ),
    )
    .limit(BATCH);
  let ended = 0;
  for (const entitlement of due) {
    if (!entitlement.orderId) {
      ended += await endManual(deps, entitlement.id, now);
      continue;
    }
    const applied = await withOrderLock(deps.db, entitlement.orderId, (tx, order) => applyPaymentFacts(tx, order, order.provider, [], now));
    const [after] = await deps.db.select({ status: entitlements.status }).from(entitlements).where(eq(entitlements.id, entitlement.id));
    if (after && after.status !== 'active' && after.status !== 'grace') ended += 1;
    await enqueueGrants(deps.queue, (applied?.changedGrants ?? []).map((grant) => grant.grantId));
  }
  return ended;
}

/** A creator's time-boxed /grant, or a granted trial's free days (no order behind either), end on their date. */
async function endManual(deps: LifecycleDeps, entitlementId: string, now: Date): Promise<number> {
  const changed = await deps.db.transaction(async (tx) => {
    const [ended] = await tx
      .update(entitlements)
      .set({ status: 'expired' })
      .where(and(eq(entitlements.id, entitlementId), inArray(entitlements.source, ['manual', 'trial']), lte(entitlements.endsAt, now)))
      .returning({ communityId: entitlements.communityId, memberId: entitlements.memberId, source: entitlements.source });
    if (ended?.source === 'trial') await expireGrantedTrial(tx, entitlementId);
    return ended ? projectMemberAccess(tx, ended.communityId, ended.memberId) : undefined;
  });
  await enqueueGrants(deps.queue, (changed ?? []).map((grant) => grant.grantId));
  return changed ? 1 : 0;
}

async function remind(deps: LifecycleDeps, now: Date): Promise<number> {
  const horizon = new Date(now.getTime() + REMINDERS[0].before);
  const ending = await deps.db
    .select({ id: entitlements.id, memberId: entitlements.memberId, endsAt: entitlements.endsAt, details: entitlements.details, product: products.name })
    .from(entitlements)
    .innerJoin(products, eq(products.id, entitlements.productId))
    .innerJoin(subscriptions, eq(subscriptions.id, entitlements.subscriptionId))
    .where(and(eq(entitlements.status, 'active'), isNotNull(entitlements.endsAt), lte(entitlements.endsAt, horizon), eq(subscriptions.cancelAtPeriodEnd, true)))
    .limit(BATCH);
  let reminded = 0;
  for (const entitlement of ending) {
    const left = entitlement.endsAt!.getTime() - now.getTime();
    if (left <= 0) continue;
    const due = [...REMINDERS].reverse().find((reminder) => left <= reminder.before);
    const sent = (entitlement.details.reminders as string[] | undefined) ?? [];
    if (!due || sent.includes(due.key)) continue;
    // Claim the reminder first, so two runs never send it twice.
    const claimed = await deps.db
      .update(entitlements)
      .set({ details: sql`jsonb_set(${entitlements.details}, '{reminders}', coalesce(${entitlements.details}->'reminders', '[]'::jsonb) || ${JSON.stringify([due.key])}::jsonb)` })
      .where(and(eq(entitlements.id, entitlement.id), sql`not coalesce(${entitlements.details}->'reminders', '[]'::jsonb) ? ${due.key}`))
      .returning({ id: entitlements.id });
    if (!claimed.length) continue;
    if (await tellMember(deps, entitlement.memberId, entitlement.product, entitlement.endsAt!)) reminded += 1;
  }
  return reminded;
}

function tellMember(deps: LifecycleDeps, memberId: string, product: string, endsAt: Date): Promise<boolean> {
  return notifyMember(deps, memberId, (locale) => ({ body: t(locale, 'lifecycle.reminder', { product, date: endsAt.toISOString().slice(0, 10) }) }));
}
