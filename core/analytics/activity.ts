import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { addDays, type Period } from './period.ts';

export type Activity = { dau: number; wau: number; mau: number; stickiness: number | null };

/**
 * Active members on the community's day `day` (DAU), in the 7 days (WAU) and 30 days (MAU)
 * ending with it; "active" is a behaviour event of the member's own (ACTIVE_KINDS: a course
 * viewed, a search, a lesson opened or finished, a purchase, a rating, a digest click).
 * Stickiness = the average DAU of those 30 days / MAU.
 */
export async function activityOn(db: Queryable, communityId: string, day: string): Promise<Activity> {
  const [row] = await db.execute<{ dau: number; wau: number; mau: number; days_active: number }>(sql`
    select (count(distinct member_id) filter (where day = ${day}::date))::int as dau,
      (count(distinct member_id) filter (where day > ${day}::date - 7))::int as wau,
      count(distinct member_id)::int as mau,
      count(*)::int as days_active
    from analytics_daily_active
    where community_id = ${communityId} and day > ${day}::date - 30 and day <= ${day}::date`);
  const mau = row?.mau ?? 0;
  return { dau: row?.dau ?? 0, wau: row?.wau ?? 0, mau, stickiness: mau ? (row?.days_active ?? 0) / 30 / mau : null };
}

/** Active members per day of the period (days without any: 0). */
export async function dailyActiveSeries(db: Queryable, communityId: string, period: Pick<Period, 'fromDay' | 'toDay'>): Promise<Array<{ day: string; active: number }>> {
  const rows = await db.execute<{ day: string; active: number }>(sql`
    select to_char(d, 'YYYY-MM-DD') as day, (select count(*)::int from analytics_daily_active a where a.community_id = ${communityId} and a.day = d::date) as active
    from generate_series(${period.fromDay}::date, ${period.toDay}::date, interval '1 day') as d
    order by d`);
  return rows.map((row) => ({ day: row.day, active: row.active }));
}

/** Members who joined the community in the period (their membership's creation). */
export async function membersJoined(db: Queryable, communityId: string, period: Pick<Period, 'from' | 'to'>): Promise<number> {
  const [row] = await db.execute<{ joined: number }>(sql`
    select count(*)::int as joined from memberships
    where community_id = ${communityId} and created_at >= ${period.from.toISOString()}::timestamptz and created_at < ${period.to.toISOString()}::timestamptz`);
  return row?.joined ?? 0;
}

export type Funnel = { viewed: number; startedCheckout: number; paid: number };

/**
 * The buying funnel of the period, each step within the one before: members who viewed a
 * course, of them those who opened a checkout, of them those whose checkout was paid.
 */
export async function funnel(db: Queryable, communityId: string, period: Pick<Period, 'from' | 'to'>): Promise<Funnel> {
  const from = sql`${period.from.toISOString()}::timestamptz`;
  const to = sql`${period.to.toISOString()}::timestamptz`;
  const [row] = await db.execute<{ viewed: number; started: number; paid: number }>(sql`
    with viewed as (
      select distinct member_id from behaviour_events
      where community_id = ${communityId} and kind = 'course_view' and member_id is not null and occurred_at >= ${from} and occurred_at < ${to}),
    checkouts as (
      select o.member_id, bool_or(o.status in ('paid', 'partially_refunded', 'refunded', 'disputed')) as paid
      from orders o join viewed v on v.member_id = o.member_id
      where o.community_id = ${communityId} and o.created_at >= ${from} and o.created_at < ${to}
      group by o.member_id)
    select (select count(*) from viewed)::int as viewed, count(*)::int as started, (count(*) filter (where paid))::int as paid from checkouts`);
  return { viewed: row?.viewed ?? 0, startedCheckout: row?.started ?? 0, paid: row?.paid ?? 0 };
}

/** The days of a period, oldest first (for series with a value on every day). */
export function daysOf(period: Pick<Period, 'fromDay' | 'toDay'>): string[] {
  const days: string[] = [];
  for (let day = period.fromDay; day <= period.toDay; day = addDays(day, 1)) days.push(day);
  return days;
}
