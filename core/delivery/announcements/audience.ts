import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { Audience } from '../../db/schema/index.ts';
import type { Reply } from '../../reply.ts';

/** Which members of the community an audience holds, as a condition on `memberships m`. */
function segmentCondition(communityId: string, audience: Audience): SQL {
  const holds = (statuses: SQL) => sql`exists (select 1 from entitlements e where e.member_id = m.member_id and e.community_id = ${communityId} and e.status in ${statuses})`;
  switch (audience.segment ?? 'everyone') {
    case 'everyone':
      return sql`true`;
    case 'owners': {
      const product = audience.productId
        ? sql`e.product_id = ${audience.productId}`
        : sql`e.product_id in (select g.product_id from product_grants g where g.community_id = ${communityId} and g.kind = 'course' and g.course_id = ${audience.courseId ?? null})`;
      return sql`exists (select 1 from entitlements e where e.member_id = m.member_id and e.community_id = ${communityId} and e.status in ('active', 'grace') and ${product})`;
    }
    case 'grace':
      return holds(sql`('grace')`);
    case 'lapsed':
      return sql`exists (select 1 from entitlements e where e.member_id = m.member_id and e.community_id = ${communityId}) and not ${holds(sql`('active', 'grace')`)}`;
  }
}

/**
 * One private message per member of the audience, on one platform: Telegram where the member has
 * it, then the console, then Discord — and Discord only for members who asked for announcements
 * there (`/notifications announcements on discord`): everyone else on Discord reads the
 * announcement channel. The author is left out (they have the preview and the progress).
 */
function recipients(communityId: string, audience: Audience, authorMemberId: string | null): SQL {
  const platform = audience.platform ? sql`pi.platform = ${audience.platform}` : sql`true`;
  const optedIn = sql`exists (select 1 from notification_preferences p where p.community_id = ${communityId} and p.member_id = m.member_id and p.kind = 'announcements' and p.platform in ('discord', 'all') and p.enabled)`;
  return sql`
    select distinct on (m.member_id) m.member_id, pi.platform, pi.platform_user_id
    from memberships m
    join platform_identities pi on pi.member_id = m.member_id
    where m.community_id = ${communityId} and m.status = 'active'
      and m.member_id is distinct from ${authorMemberId}
      and ${segmentCondition(communityId, audience)} and ${platform}
      and (pi.platform <> 'discord' or ${optedIn})
    order by m.member_id, case pi.platform when 'telegram' then 0 when 'console' then 1 else 2 end`;
}

/**
 * The chats that carry the announcement itself: for everyone, each linked Discord server's
 * announcement channel and each linked Telegram group or channel; for a product's holders, the
 * Telegram chats that product opens. Members in grace or lapsed are told privately only.
 */
function channels(communityId: string, audience: Audience): SQL {
  const platform = audience.platform ? sql`s.platform = ${audience.platform}` : sql`true`;
  const segment = audience.segment ?? 'everyone';
  if (segment === 'everyone') {
    return sql`
      select s.id::text as key, s.platform, case when s.platform = 'discord' then s.settings->>'announcementChannelId' else s.external_id end as target
      from platform_spaces s
      where s.community_id = ${communityId} and ${platform}
        and (s.kind in ('telegram_group', 'telegram_supergroup', 'telegram_channel') or (s.platform = 'discord' and s.settings ? 'announcementChannelId'))`;
  }
  if (segment !== 'owners' || !audience.productId || (audience.platform && audience.platform !== 'telegram')) return sql`select null::text as key, null::platform as platform, null::text as target where false`;
  return sql`
    select 'chat-' || g.resource_id as key, 'telegram'::platform as platform, g.resource_id as target
    from product_grants g where g.community_id = ${communityId} and g.product_id = ${audience.productId} and g.kind = 'telegram_chat'`;
}

export type AudienceCount = { telegram: number; discord: number; console: number; channels: number };

/** How many private messages and chat posts an announcement to this audience makes now. */
export async function countAudience(db: Queryable, communityId: string, audience: Audience, authorMemberId: string | null): Promise<AudienceCount> {
  const rows = await db.execute<{ platform: string; n: number }>(sql`select platform::text, count(*)::int as n from (${recipients(communityId, audience, authorMemberId)}) r group by platform`);
  const [posts] = await db.execute<{ n: number }>(sql`select count(*)::int as n from (${channels(communityId, audience)}) c`);
  const of = (platform: string) => rows.find((row) => row.platform === platform)?.n ?? 0;
  return { telegram: of('telegram'), discord: of('discord'), console: of('console'), channels: posts?.n ?? 0 };
}

/**
 * Fixes the audience: one ledger row per recipient and per chat, keyed so that running it again
 * (a retried start) adds nobody twice. Returns the ids of the rows it added.
 */
export async function freezeAudience(db: Queryable, announcement: { id: string; communityId: string; audience: Audience; authorMemberId: string | null }, now: Date): Promise<string[]> {
  const { id, communityId, audience, authorMemberId } = announcement;
  const dms = await db.execute<{ id: string }>(sql`
    insert into deliveries (community_id, kind, dedupe_key, announcement_id, member_id, platform, target_kind, target_id, scheduled_at)
    select ${communityId}, 'announcement', 'announce-' || ${id} || '-' || r.member_id, ${id}, r.member_id, r.platform, 'dm', r.platform_user_id, ${now.toISOString()}::timestamptz
    from (${recipients(communityId, audience, authorMemberId)}) r
    on conflict do nothing
    returning id`);
  const posts = await db.execute<{ id: string }>(sql`
    insert into deliveries (community_id, kind, dedupe_key, announcement_id, platform, target_kind, target_id, scheduled_at)
    select ${communityId}, 'announcement', 'announce-' || ${id} || '-chat-' || c.key, ${id}, c.platform, case when c.platform = 'discord' then 'channel'::delivery_target else 'group'::delivery_target end, c.target, ${now.toISOString()}::timestamptz
    from (${channels(communityId, audience)}) c
    where c.target is not null
    on conflict do nothing
    returning id`);
  return [...dms, ...posts].map((row) => row.id);
}

/**
 * Private messages of one kind (a live session's reminder) to an audience, with the same choice of
 * platform per member as an announcement; `dedupePrefix` makes planning twice add nobody twice.
 */
export async function planPrivateMessages(
  db: Queryable,
  plan: { communityId: string; audience: Audience; kind: 'reminder'; dedupePrefix: string; payload: Reply; now: Date },
): Promise<string[]> {
  const { communityId, audience, kind, dedupePrefix, payload, now } = plan;
  const rows = await db.execute<{ id: string }>(sql`
    insert into deliveries (community_id, kind, dedupe_key, member_id, platform, target_kind, target_id, payload, scheduled_at)
    select ${communityId}, ${kind}, ${dedupePrefix} || r.member_id, r.member_id, r.platform, 'dm', r.platform_user_id, ${JSON.stringify(payload)}::jsonb, ${now.toISOString()}::timestamptz
    from (${recipients(communityId, audience, null)}) r
    on conflict do nothing
    returning id`);
  return rows.map((row) => row.id);
}
