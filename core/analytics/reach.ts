import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import type { Period } from './period.ts';

export type Reach = { announcementId: string; title: string; startedAt: Date; recipients: number; sent: number; delivered: number; failed: number; skipped: number; clicked: number; linkOpens: number };

/**
 * Each announcement started in the period, from its delivery ledger: recipients (rows), sent
 * (the platform took it, confirmed or not), delivered (sent and confirmed: a worker that died
 * between call and confirm leaves one sent but unconfirmed), failed (refused for good), skipped
 * (turned off, unreachable, canceled); clicked (recipients of a private message who opened one of
 * its links at least once) and link opens (every open, posts in channels and groups included).
 */
export async function announcementReach(db: Queryable, communityId: string, period: Pick<Period, 'from' | 'to'>): Promise<Reach[]> {
  const rows = await db.execute<{ id: string; title: string; started_at: string; recipients: number; sent: number; delivered: number; failed: number; skipped: number; clicked: number; opens: number }>(sql`
    with clicks as (
      select e.metadata->>'announcementId' as announcement_id, count(*)::int as opens, (count(distinct e.delivery_id) filter (where e.member_id is not null))::int as clicked
      from behaviour_events e
      where e.community_id = ${communityId} and e.kind = 'announcement_click' and e.occurred_at >= ${period.from.toISOString()}::timestamptz
      group by 1)
    select a.id, a.title, a.started_at, count(d.id)::int as recipients, coalesce(c.clicked, 0) as clicked, coalesce(c.opens, 0) as opens,
      (count(*) filter (where d.status = 'sent'))::int as sent,
      (count(*) filter (where d.status = 'sent' and not d.unconfirmed))::int as delivered,
      (count(*) filter (where d.status = 'failed'))::int as failed,
      (count(*) filter (where d.status = 'skipped'))::int as skipped
    from announcements a left join deliveries d on d.announcement_id = a.id
    left join clicks c on c.announcement_id = a.id::text
    where a.community_id = ${communityId} and a.started_at >= ${period.from.toISOString()}::timestamptz and a.started_at < ${period.to.toISOString()}::timestamptz
    group by a.id, c.clicked, c.opens
    order by a.started_at desc`);
  return rows.map((row) => ({ announcementId: row.id, title: row.title, startedAt: new Date(row.started_at), recipients: row.recipients, sent: row.sent, delivered: row.delivered, failed: row.failed, skipped: row.skipped, clicked: row.clicked, linkOpens: row.opens }));
}

export type DigestReach = { sent: number; clicked: number; rate: number | null };

/**
 * The weekly digests of the period: sent (the platform took it), and clicked (members who
 * pressed one of a digest's Open buttons in the period) over sent members: the click-through.
 */
export async function digestReach(db: Queryable, communityId: string, period: Pick<Period, 'from' | 'to'>): Promise<DigestReach> {
  const from = sql`${period.from.toISOString()}::timestamptz`;
  const to = sql`${period.to.toISOString()}::timestamptz`;
  const [row] = await db.execute<{ sent: number; clicked: number }>(sql`
    with sent as (
      select distinct d.member_id from deliveries d
      where d.community_id = ${communityId} and d.kind = 'digest' and d.status = 'sent' and d.scheduled_at >= ${from} and d.scheduled_at < ${to})
    select (select count(*) from sent)::int as sent,
      (select count(distinct e.member_id) from behaviour_events e
       where e.community_id = ${communityId} and e.kind = 'digest_click' and e.occurred_at >= ${from} and e.occurred_at < ${to}
         and e.member_id in (select member_id from sent))::int as clicked`);
  const sent = row?.sent ?? 0;
  return { sent, clicked: row?.clicked ?? 0, rate: sent ? (row?.clicked ?? 0) / sent : null };
}
