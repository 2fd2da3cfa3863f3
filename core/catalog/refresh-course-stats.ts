import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';

/**
 * Recomputes 30-day views, enrollments, purchases and a popularity score per course from
 * behaviour events, for one community or all. An upsert, so running it twice changes nothing.
 * Log-damped so that one viral week does not bury every other course; purchases weigh most.
 */
export async function refreshCourseStats(
  db: Queryable,
  params: { communityId?: string | undefined; now: Date },
): Promise<number> {
  const since = new Date(params.now.getTime() - 30 * 24 * 3600 * 1000);
  const scope = params.communityId ? sql`c.community_id = ${params.communityId}` : sql`true`;
  const rows = await db.execute(sql`
    insert into course_stats as s (course_id, community_id, views_30d, enrollments_30d, purchases_30d, popularity, refreshed_at)
    select c.id, c.community_id, t.views, t.enrollments, t.purchases,
      ln(1 + t.views) + 2 * ln(1 + t.enrollments) + 4 * ln(1 + t.purchases),
      ${params.now.toISOString()}::timestamptz
    from courses c
    cross join lateral (
      select
        count(*) filter (where e.kind = 'course_view')::int as views,
        count(*) filter (where e.kind = 'enrolled')::int as enrollments,
        count(*) filter (where e.kind = 'purchase')::int as purchases
      from behaviour_events e
      where e.community_id = c.community_id and e.course_id = c.id and e.occurred_at >= ${since.toISOString()}::timestamptz
    ) t
    where ${scope}
    on conflict (course_id) do update set
      views_30d = excluded.views_30d,
      enrollments_30d = excluded.enrollments_30d,
      purchases_30d = excluded.purchases_30d,
      popularity = excluded.popularity,
      refreshed_at = excluded.refreshed_at
    returning s.course_id`);
  return rows.length;
}
