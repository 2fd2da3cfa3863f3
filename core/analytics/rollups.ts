import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';

/** Behaviour that counts as a member being active: their own acts, not what Lyceum sent them. */
export const ACTIVE_KINDS = ['course_view', 'search', 'enrolled', 'purchase', 'lesson_opened', 'lesson_completed', 'course_rated', 'digest_click', 'announcement_click'] as const;

/**
 * Rows that committed late (a long transaction) may carry an earlier `created_at` or id than
 * rows already read: every run reads this much of the past again. Recomputing a day, or adding
 * an active member twice, changes nothing, so the overlap costs a little work and loses nothing.
 */
const LEDGER_OVERLAP = sql`interval '10 minutes'`;
const EVENT_ID_OVERLAP = 10_000;

const activeKinds = sql.join(ACTIVE_KINDS.map((kind) => sql`${kind}::behaviour_kind`), sql`, `);

export type RollupRefresh = { revenueDays: number; activeRows: number };

/**
 * Brings the analytics rollups up to date, incrementally: the revenue of each (community, day)
 * that received ledger rows since the last run is recomputed whole from the ledger; members
 * active in behaviour events read since then are added to their day. Days are the community's
 * own (its time zone). One run at a time (an advisory lock), so workers may all schedule it.
 */
export async function refreshRollups(db: Queryable): Promise<RollupRefresh> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('analytics.refresh-rollups'))`);
    const [mark] = await tx.execute<{ ledger_created_at: string | null; behaviour_event_id: string | null }>(
      sql`select ledger_created_at, behaviour_event_id from analytics_rollup_watermarks where rollup = 'main'`,
    );
    const since = mark?.ledger_created_at ? sql`${mark.ledger_created_at}::timestamptz - ${LEDGER_OVERLAP}` : sql`'-infinity'::timestamptz`;
    const fromEventId = Math.max(0, Number(mark?.behaviour_event_id ?? 0) - EVENT_ID_OVERLAP);

    await tx.execute(sql`
      create temporary table touched_days on commit drop as
      select distinct l.community_id, (l.occurred_at at time zone c.timezone)::date as day
      from ledger_entries l join communities c on c.id = l.community_id
      where l.created_at > ${since}`);
    await tx.execute(sql`delete from analytics_daily_revenue r using touched_days t where r.community_id = t.community_id and r.day = t.day`);
    const revenue = await tx.execute(sql`
      insert into analytics_daily_revenue (community_id, day, currency, charges, gross, refunds, disputes, disputes_won)
      select l.community_id, t.day, l.currency,
        count(*) filter (where l.kind = 'charge'),
        coalesce(sum(l.amount) filter (where l.kind = 'charge'), 0),
        coalesce(sum(l.amount) filter (where l.kind = 'refund'), 0),
        coalesce(sum(l.amount) filter (where l.kind = 'dispute'), 0),
        coalesce(sum(l.amount) filter (where l.kind = 'dispute_won'), 0)
      from ledger_entries l
      join communities c on c.id = l.community_id
      join touched_days t on t.community_id = l.community_id and t.day = (l.occurred_at at time zone c.timezone)::date
      group by l.community_id, t.day, l.currency`);
    const active = await tx.execute(sql`
      insert into analytics_daily_active (community_id, day, member_id)
      select distinct e.community_id, (e.occurred_at at time zone c.timezone)::date, e.member_id
      from behaviour_events e join communities c on c.id = e.community_id
      where e.id > ${fromEventId} and e.member_id is not null and e.kind in (${activeKinds})
      on conflict do nothing`);
    await tx.execute(sql`
      insert into analytics_rollup_watermarks (rollup, ledger_created_at, behaviour_event_id, refreshed_at)
      values ('main', now(), (select coalesce(max(id), 0) from behaviour_events), now())
      on conflict (rollup) do update set ledger_created_at = excluded.ledger_created_at, behaviour_event_id = excluded.behaviour_event_id, refreshed_at = excluded.refreshed_at`);
    return { revenueDays: revenue.count, activeRows: active.count };
  });
}
