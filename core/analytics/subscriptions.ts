import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { sqlArray } from './sql-array.ts';

const DAY_MS = 86_400_000;

/**
 * Every subscription of the community as a span of monthly value: from its first payment (a
 * trial is not revenue) to its end (canceled or expired; a full refund; a Stars or sandbox
 * period nobody renewed, 2 hours after its end, as the lifecycle ends it). The value is the
 * price normalised to a month (weekly × 52/12, yearly / 12) in the order's currency, before the
 * coupon unless the coupon is forever (a first-month discount is not recurring revenue).
 */
const subscriptionSpans = (communityId: string): SQL => sql`
  select s.member_id, o.currency,
    (case when cp.duration = 'forever' then o.amount else coalesce(o.list_amount, o.amount) end)::numeric
      * case p.interval when 'week' then 52.0 / 12 when 'year' then 1.0 / 12 else 1 end as monthly,
    f.paid_from,
    case
      when o.status = 'refunded' then coalesce(o.refunded_at, s.canceled_at, s.current_period_end)
      when s.status in ('canceled', 'expired') then coalesce(s.canceled_at, s.current_period_end)
      when s.provider <> 'stripe' then s.current_period_end + interval '2 hours'
    end as ended_at
  from subscriptions s
  join orders o on o.id = s.order_id
  join products p on p.id = s.product_id
  left join coupons cp on cp.id = o.coupon_id
  -- One pass over the community's ledger (not one lookup per subscription: the ledger has no order index).
  left join (
    select l.order_id, min(l.occurred_at) as paid_from from ledger_entries l
    where l.community_id = ${communityId} and l.kind = 'charge' and l.amount > 0 group by l.order_id
  ) f on f.order_id = s.order_id
  where s.community_id = ${communityId}`;

const activeAt = (at: SQL) => sql`paid_from is not null and paid_from <= ${at} and (ended_at is null or ended_at > ${at})`;
const iso = (at: Date) => sql`${at.toISOString()}::timestamptz`;

export type Mrr = { currency: string; mrr: number; payingMembers: number; arpu: number };

/** MRR and ARPU (MRR / paying members) per currency at an instant, in minor units (rounded). */
export async function mrrAt(db: Queryable, communityId: string, at: Date): Promise<Mrr[]> {
  const rows = await db.execute<{ currency: string; mrr: string; paying: number }>(sql`
    with spans as (${subscriptionSpans(communityId)}),
    members as (select member_id, currency, sum(monthly) as mrr from spans where ${activeAt(iso(at))} group by 1, 2)
    select currency, sum(mrr) as mrr, count(*)::int as paying from members group by currency order by sum(mrr) desc`);
  return rows.map((row) => ({ currency: row.currency, mrr: Math.round(Number(row.mrr)), payingMembers: row.paying, arpu: row.paying ? Math.round(Number(row.mrr) / row.paying) : 0 }));
}

export type MrrMovement = {
  month: string;
  currency: string;
  start: number;
  end: number;
  new: number;
  expansion: number;
  contraction: number;
  churned: number;
  reactivation: number;
};

/**
 * MRR movements per month and currency, by comparing each member's MRR at the month's start
 * and end (ChartMogul's categories): new (none before, ever), reactivation (none at the start,
 * some earlier), expansion and contraction (more or less than at the start), churned (some at
 * the start, none at the end). start + new + reactivation + expansion - contraction - churned = end.
 */
export async function mrrMovements(db: Queryable, communityId: string, months: Array<{ month: string; start: Date; end: Date }>): Promise<MrrMovement[]> {
  if (!months.length) return [];
  const rows = await db.execute<Record<'month' | 'currency', string> & Record<'mrr_start' | 'mrr_end' | 'new' | 'expansion' | 'contraction' | 'churned' | 'reactivation', string | null>>(sql`
    with spans as (${subscriptionSpans(communityId)}),
    bounds as (select * from unnest(${sqlArray(months.map((m) => m.month), 'text')}, ${sqlArray(months.map((m) => m.start.toISOString()), 'timestamptz')}, ${sqlArray(months.map((m) => m.end.toISOString()), 'timestamptz')}) as b(month, starts, ends)),
    at_start as (select b.month, s.member_id, s.currency, sum(s.monthly) as mrr from bounds b join spans s on ${activeAt(sql`b.starts`)} group by 1, 2, 3),
    at_end as (select b.month, s.member_id, s.currency, sum(s.monthly) as mrr from bounds b join spans s on ${activeAt(sql`b.ends`)} group by 1, 2, 3),
    earlier as (select distinct b.month, s.member_id, s.currency from bounds b join spans s on s.paid_from is not null and s.paid_from <= b.starts),
    pairs as (
      select coalesce(a.month, e.month) as month, coalesce(a.member_id, e.member_id) as member_id, coalesce(a.currency, e.currency) as currency,
        coalesce(a.mrr, 0) as before, coalesce(e.mrr, 0) as after
      from at_start a full join at_end e on e.month = a.month and e.member_id = a.member_id and e.currency = a.currency)
    select p.month, p.currency,
      sum(p.before) as mrr_start, sum(p.after) as mrr_end,
      sum(p.after) filter (where p.before = 0 and w.member_id is null) as new,
      sum(p.after) filter (where p.before = 0 and w.member_id is not null) as reactivation,
      sum(p.after - p.before) filter (where p.before > 0 and p.after > p.before) as expansion,
      sum(p.before - p.after) filter (where p.before > 0 and p.after > 0 and p.after < p.before) as contraction,
      sum(p.before) filter (where p.before > 0 and p.after = 0) as churned
    from pairs p left join earlier w on w.month = p.month and w.member_id = p.member_id and w.currency = p.currency
    group by p.month, p.currency
    order by p.month, p.currency`);
  const money = (value: string | null) => Math.round(Number(value ?? 0));
  return rows.map((row) => ({
    month: row.month,
    currency: row.currency,
    start: money(row.mrr_start),
    end: money(row.mrr_end),
    new: money(row.new),
    expansion: money(row.expansion),
    contraction: money(row.contraction),
    churned: money(row.churned),
    reactivation: money(row.reactivation),
  }));
}

export type SubscriberChurn = { activeAtStart: number; newInWindow: number; churned: number; rate: number | null };

/**
 * Subscriber churn over the `windowDays` (30) days to `at`: members paying for a subscription (any currency)
 * at the window's start and no longer at its end, over those paying at the start plus those new
 * in it. Null when nobody paid (a rate of nothing).
 */
export async function subscriberChurn(db: Queryable, communityId: string, at: Date, windowDays = 30): Promise<SubscriberChurn> {
  const start = new Date(at.getTime() - windowDays * DAY_MS);
  const [row] = await db.execute<{ active_start: number; new_in: number; churned: number }>(sql`
    with spans as (${subscriptionSpans(communityId)}),
    a as (select distinct member_id from spans where ${activeAt(iso(start))}),
    b as (select distinct member_id from spans where ${activeAt(iso(at))})
    select (select count(*) from a)::int as active_start,
      (select count(*) from b where member_id not in (select member_id from a))::int as new_in,
      (select count(*) from a where member_id not in (select member_id from b))::int as churned`);
  const base = (row?.active_start ?? 0) + (row?.new_in ?? 0);
  return { activeAtStart: row?.active_start ?? 0, newInWindow: row?.new_in ?? 0, churned: row?.churned ?? 0, rate: base ? (row?.churned ?? 0) / base : null };
}

export type TrialConversion = { ended: number; converted: number; rate: number | null };

/** Trials that ended in the 30 days to `at` (converted or expired), and the share that became paid. */
export async function trialConversion(db: Queryable, communityId: string, at: Date): Promise<TrialConversion> {
  const start = new Date(at.getTime() - 30 * DAY_MS);
  const [row] = await db.execute<{ ended: number; converted: number }>(sql`
    select count(*)::int as ended, (count(*) filter (where status = 'converted'))::int as converted
    from trials
    where community_id = ${communityId} and status in ('converted', 'expired') and ends_at > ${iso(start)} and ends_at <= ${iso(at)}`);
  const ended = row?.ended ?? 0;
  return { ended, converted: row?.converted ?? 0, rate: ended ? (row?.converted ?? 0) / ended : null };
}
