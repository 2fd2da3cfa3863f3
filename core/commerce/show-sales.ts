import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { ledgerEntries, orders, products } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { formatMoney } from '../format.ts';
import { type Locale, t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { type Reply, type ReplyField, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { shortId } from '../short-ids.ts';

const LATEST = 8;
const DAY_MS = 86_400_000;

/**
 * `/sales` for creators: net revenue today, over 7 and 30 days, per currency (Stars apart, never
 * added to money), from the ledger alone: charges - refunds - chargebacks + chargebacks won.
 * Also the latest orders.
 */
export async function showSales(deps: Pick<CoreDeps, 'db' | 'clock'>, actor: Actor): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'commerce.sales')) return err({ code: 'forbidden', permission: 'commerce.sales' });
  const now = deps.clock.now();
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const since30 = new Date(now.getTime() - 30 * DAY_MS);
  const since7 = new Date(now.getTime() - 7 * DAY_MS);
  const signed = sql`case ${ledgerEntries.kind} when 'charge' then ${ledgerEntries.amount} when 'dispute_won' then ${ledgerEntries.amount}
    when 'dispute_lost' then 0 else -${ledgerEntries.amount} end`;
  const windowSum = (since: Date) => sql<number>`coalesce(sum(${signed}) filter (where ${ledgerEntries.occurredAt} >= ${since.toISOString()}::timestamptz), 0)::int`;
  const [revenue, latest] = await Promise.all([
    deps.db
      .select({ currency: ledgerEntries.currency, today: windowSum(startOfDay), week: windowSum(since7), month: windowSum(since30) })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.communityId, actor.communityId), gte(ledgerEntries.occurredAt, since30)))
      .groupBy(ledgerEntries.currency)
      .orderBy(ledgerEntries.currency),
    deps.db
      .select({ id: orders.id, name: products.name, amount: orders.amount, currency: orders.currency, status: orders.status, createdAt: orders.createdAt })
      .from(orders)
      .innerJoin(products, eq(products.id, orders.productId))
      .where(eq(orders.communityId, actor.communityId))
      .orderBy(desc(orders.createdAt))
      .limit(LATEST),
  ]);
  const { locale } = actor;
  const fields: ReplyField[] = [
    {
      name: t(locale, 'sales.revenue'),
      value: revenue.length ? revenue.map((row) => revenueLine(locale, row)).join('\n') : t(locale, 'sales.noRevenue'),
    },
    {
      name: t(locale, 'sales.latest'),
      value: latest.length
        ? truncate(latest.map((row) => `#${shortId(row.id)} · ${row.createdAt.toISOString().slice(0, 10)} · ${row.name} · ${formatMoney(locale, row.amount, row.currency)} · ${t(locale, `order.${row.status}`)}`).join('\n'), replyLimits.fieldValue)
        : t(locale, 'sales.noOrders'),
    },
  ];
  return ok({ title: t(locale, 'sales.title', { community: actor.communityName }), fields, ephemeral: true });
}

function revenueLine(locale: Locale, row: { currency: string; today: number; week: number; month: number }) {
  const money = (amount: number) => formatMoney(locale, amount, row.currency);
  return t(locale, 'sales.revenueLine', { currency: row.currency, today: money(row.today), week: money(row.week), month: money(row.month) });
}
