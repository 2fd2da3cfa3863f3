import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { sqlArray } from './sql-array.ts';
import { addMonths, startOfDay } from './period.ts';

export type Cohort = { month: string; size: number; retained: number[] };

/**
 * Paid retention by start month: a member's cohort is the month (community time) of their first
 * payment, for good (a member who leaves and comes back stays in it). `retained[k]` is how many
 * of the cohort hold paid access (an entitlement from an order or subscription, not a trial or a
 * gift) at the end of month k after it (now, for the month under way).
 */
export async function cohortRetention(db: Queryable, communityId: string, input: { fromMonth: string; toMonth: string; timeZone: string; now: Date }): Promise<Cohort[]> {
  const months: string[] = [];
  for (let month = input.fromMonth; month <= input.toMonth; month = addMonths(month, 1)) months.push(month);
  if (!months.length) return [];
  // Each month's end, or now for the month under way.
  const ends = months.map((month) => {
    const end = startOfDay(`${addMonths(month, 1)}-01`, input.timeZone);
    return (end < input.now ? end : input.now).toISOString();
  });
  const rows = await db.execute<{ cohort: string; offset: number; members: number }>(sql`
    with first_paid as (
      select o.member_id, min(l.occurred_at) as at
      from ledger_entries l join orders o on o.id = l.order_id
      where l.community_id = ${communityId} and l.kind = 'charge' and l.amount > 0
      group by o.member_id),
    cohorts as (select member_id, to_char(at at time zone ${input.timeZone}, 'YYYY-MM') as cohort from first_paid),
    ends as (select month, ends, ordinality - 1 as idx from unnest(${sqlArray(months, 'text')}, ${sqlArray(ends, 'timestamptz')}) with ordinality as e(month, ends)),
    paid_access as (
      select member_id, starts_at,
        case status when 'revoked' then revoked_at when 'grace' then coalesce(grace_until, ends_at) else ends_at end as until
      from entitlements
      where community_id = ${communityId} and source in ('order', 'subscription'))
    select c.cohort, (e.idx - s.idx)::int as offset, count(distinct c.member_id)::int as members
    from cohorts c
    join ends s on s.month = c.cohort
    join ends e on e.idx >= s.idx
    where exists (select 1 from paid_access p where p.member_id = c.member_id and p.starts_at <= e.ends and (p.until is null or p.until > e.ends))
    group by c.cohort, e.idx, s.idx
    union all
    select c.cohort, -1, count(*)::int from cohorts c where c.cohort = any(${sqlArray(months, 'text')}) group by c.cohort
    order by 1, 2`);
  return months
    .map((month) => {
      const size = rows.find((row) => row.cohort === month && row.offset === -1)?.members ?? 0;
      const retained = Array.from({ length: months.length - months.indexOf(month) }, (_, offset) => rows.find((row) => row.cohort === month && row.offset === offset)?.members ?? 0);
      return { month, size, retained };
    })
    .filter((cohort) => cohort.size > 0);
}
