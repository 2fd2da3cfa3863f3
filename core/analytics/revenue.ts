import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { dailyRevenue } from '../db/schema/index.ts';
import type { Period } from './period.ts';

export type RevenueDay = { day: string; currency: string; charges: number; gross: number; refunds: number; net: number };
export type RevenueTotal = { currency: string; charges: number; gross: number; refunds: number; net: number };

/**
 * Money per day and currency in the period, from the ledger's rollup: gross = charges, net =
 * charges - refunds - disputes + disputes won (as /sales counts it). Each currency stands alone;
 * Telegram Stars (XTR) are one of them, never added to money.
 */
export async function revenueByDay(db: Queryable, communityId: string, period: Pick<Period, 'fromDay' | 'toDay'>): Promise<RevenueDay[]> {
  const rows = await db
    .select({
      day: dailyRevenue.day,
      currency: dailyRevenue.currency,
      charges: dailyRevenue.charges,
      gross: dailyRevenue.gross,
      refunds: dailyRevenue.refunds,
      net: sql<number>`(${dailyRevenue.gross} - ${dailyRevenue.refunds} - ${dailyRevenue.disputes} + ${dailyRevenue.disputesWon})::bigint`,
    })
    .from(dailyRevenue)
    .where(and(eq(dailyRevenue.communityId, communityId), gte(dailyRevenue.day, period.fromDay), lte(dailyRevenue.day, period.toDay)))
    .orderBy(asc(dailyRevenue.day), asc(dailyRevenue.currency));
  return rows.map((row) => ({ ...row, net: Number(row.net) }));
}

/** The period's totals per currency, largest gross first. */
export function revenueTotals(days: RevenueDay[]): RevenueTotal[] {
  const totals = new Map<string, RevenueTotal>();
  for (const day of days) {
    const total = totals.get(day.currency) ?? { currency: day.currency, charges: 0, gross: 0, refunds: 0, net: 0 };
    total.charges += day.charges;
    total.gross += day.gross;
    total.refunds += day.refunds;
    total.net += day.net;
    totals.set(day.currency, total);
  }
  return [...totals.values()].sort((a, b) => b.gross - a.gross || a.currency.localeCompare(b.currency));
}
