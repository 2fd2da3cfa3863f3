import { shortId } from '../short-ids.ts';
import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { accessGrants, courses, enrollments, entitlements, lessonProgress, lessons, orders, products, subscriptions } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { formatMoney } from '../format.ts';
import { type Locale, t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { type ActionRow, type Reply, type ReplyButton, type ReplyField, replyLimits, truncate } from '../reply.ts';
import { ok, type Result } from '../result.ts';

const RECEIPTS = 5;
const COURSES_SHOWN = 5;

/** `/my`: what the member owns in this community, its status and until when, and receipts. */
export async function showMyPurchases(deps: Pick<CoreDeps, 'db'>, actor: Actor): Promise<Result<Reply, DomainError>> {
  const mine = (table: typeof entitlements | typeof orders) => and(eq(table.communityId, actor.communityId), eq(table.memberId, actor.memberId));
  const [owned, receipts] = await Promise.all([
    deps.db
      .select({ name: products.name, status: entitlements.status, endsAt: entitlements.endsAt, graceUntil: entitlements.graceUntil, revokeReason: entitlements.revokeReason })
      .from(entitlements)
      .innerJoin(products, eq(products.id, entitlements.productId))
      .where(mine(entitlements))
      .orderBy(desc(entitlements.updatedAt)),
    deps.db
      .select({ id: orders.id, name: products.name, amount: orders.amount, currency: orders.currency, status: orders.status, paidAt: orders.paidAt, amountRefunded: orders.amountRefunded })
      .from(orders)
      .innerJoin(products, eq(products.id, orders.productId))
      .where(and(mine(orders), inArray(orders.status, ['paid', 'partially_refunded', 'refunded', 'disputed'])))
      .orderBy(desc(orders.paidAt))
      .limit(RECEIPTS),
  ]);
  const { locale } = actor;
  const learning = await myCourses(deps, actor);
  if (!owned.length && !receipts.length && !learning.lines.length) return ok({ title: t(locale, 'my.title'), body: t(locale, 'my.empty'), ephemeral: true });
  const fields: ReplyField[] = owned.slice(0, replyLimits.fields - 1).map((row) => ({
    name: truncate(row.name, replyLimits.fieldName),
    value: entitlementLine(locale, row),
  }));
  if (learning.lines.length) fields.push({ name: t(locale, 'my.courses'), value: truncate(learning.lines.join('\n'), replyLimits.fieldValue) });
  if (receipts.length) {
    fields.push({
      name: t(locale, 'my.receipts'),
      value: truncate(receipts.map((row) => receiptLine(locale, row)).join('\n'), replyLimits.fieldValue),
    });
  }
  const actions = [...(learning.resume ? [{ buttons: [learning.resume] }] : []), ...(await selfService(deps, actor))];
  return ok({ title: t(locale, 'my.title'), fields, actions, ephemeral: true });
}

/** The courses the member started, lessons done of the total, and a button back to where they left off last. */
async function myCourses(deps: Pick<CoreDeps, 'db'>, actor: Actor): Promise<{ lines: string[]; resume?: ReplyButton }> {
  const rows = await deps.db
    .select({
      courseId: courses.id,
      title: courses.title,
      lastPosition: lessons.position,
      total: sql<number>`(select count(*) from ${lessons} l where l.course_id = ${courses.id})`.mapWith(Number),
      done: sql<number>`(select count(*) from ${lessonProgress} p where p.member_id = ${enrollments.memberId} and p.course_id = ${courses.id})`.mapWith(Number),
    })
    .from(enrollments)
    .innerJoin(courses, eq(courses.id, enrollments.courseId))
    .leftJoin(lessons, eq(lessons.id, enrollments.lastLessonId))
    .where(and(eq(enrollments.communityId, actor.communityId), eq(enrollments.memberId, actor.memberId), inArray(courses.status, ['published', 'archived'])))
    .orderBy(sql`${enrollments.lastOpenedAt} desc nulls last`)
    .limit(COURSES_SHOWN);
  const lines = rows.map((row) => `${row.title} · ${t(actor.locale, 'lesson.progress', { done: row.done, total: row.total })}`);
  const last = rows.find((row) => row.lastPosition !== null && row.done < row.total);
  if (!last) return { lines };
  const position = last.lastPosition!;
  return { lines, resume: { label: truncate(t(actor.locale, 'my.continue', { title: last.title, position }), replyLimits.buttonLabel), action: { type: 'lesson.open', courseId: last.courseId, position }, style: 'primary' } };
}

/** "Get my access back" when the member holds platform access; "Billing" for a Stripe subscription. */
async function selfService(deps: Pick<CoreDeps, 'db'>, actor: Actor): Promise<ActionRow[]> {
  const [grant] = await deps.db
    .select({ id: accessGrants.id })
    .from(accessGrants)
    .where(and(eq(accessGrants.communityId, actor.communityId), eq(accessGrants.memberId, actor.memberId), eq(accessGrants.desired, 'present')))
    .limit(1);
  const [subscription] = await deps.db
    .select({ orderId: subscriptions.orderId })
    .from(subscriptions)
    .innerJoin(orders, eq(orders.id, subscriptions.orderId))
    .where(and(eq(subscriptions.communityId, actor.communityId), eq(subscriptions.memberId, actor.memberId), eq(subscriptions.provider, 'stripe'), isNotNull(orders.providerCustomerId), inArray(subscriptions.status, ['trialing', 'active', 'past_due'])))
    .limit(1);
  const buttons: ReplyButton[] = [];
  if (grant) buttons.push({ label: t(actor.locale, 'my.restore'), action: { type: 'access.restore' } });
  if (subscription) buttons.push({ label: t(actor.locale, 'my.billing'), action: { type: 'billing.portal', orderId: subscription.orderId } });
  return buttons.length ? [{ buttons }] : [];
}

function entitlementLine(
  locale: Locale,
  row: { status: 'active' | 'grace' | 'expired' | 'revoked'; endsAt: Date | null; graceUntil: Date | null; revokeReason: string | null },
): string {
  const status = t(locale, `entitlement.${row.status}`);
  if (row.status === 'grace' && row.graceUntil) return t(locale, 'my.graceUntil', { status, date: day(row.graceUntil) });
  if (row.status === 'revoked') return `${status} (${row.revokeReason ?? ''})`;
  return row.endsAt ? t(locale, 'my.until', { status, date: day(row.endsAt) }) : t(locale, 'my.lifetime', { status });
}

function receiptLine(locale: Locale, row: { id: string; name: string; amount: number; currency: string; status: string; paidAt: Date | null; amountRefunded: number }) {
  const refunded = row.amountRefunded ? ` · ${t(locale, 'my.refunded', { amount: formatMoney(locale, row.amountRefunded, row.currency) })}` : '';
  return `${row.paidAt ? day(row.paidAt) : '—'} · ${row.name} · ${formatMoney(locale, row.amount, row.currency)} · #${shortId(row.id)}${refunded}`;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The 8-character order reference shown to people (receipts, /sales, /refund). */
