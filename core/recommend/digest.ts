import { and, desc, eq, sql } from 'drizzle-orm';
import { recordEvent } from '../analytics/record-event.ts';
import { dueWeek } from '../analytics/weekly-summary.ts';
import { showCourse } from '../commands/show-course.ts';
import { behaviourEvents, communities, deliveries } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { type Locale, t, toLocale } from '../i18n/index.ts';
import type { Actor, Platform } from '../members/actor.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import type { Result } from '../result.ts';
import { currentRecommendations, reasonText, type Recommended } from './recommend-command.ts';

/** The digest goes out on Monday at this local hour (an hour after the owners' summary). */
export const DIGEST_HOUR = 10;
export const DIGEST_PICKS = 3;

type Recipient = { memberId: string; platform: Platform; userId: string; locale: string | null };

/**
 * The weekly digest (the hourly `digests.plan-digests` job): in each community whose Monday
 * DIGEST_HOUR has come, every active member with picks of their own gets one private message
 * with their top three and why, through the delivery ledger (so at the platforms' paced rate,
 * and skipped for members who turned digests off). Once per member and week; a member whose
 * picks are the same as in their last digest is skipped: nothing new to say.
 */
export async function planDigests(deps: Pick<CoreDeps, 'db' | 'clock' | 'queue'>): Promise<{ planned: number; unchanged: number }> {
  const now = deps.clock.now();
  const all = await deps.db.select({ id: communities.id, timeZone: communities.timezone, locale: communities.defaultLocale }).from(communities);
  let planned = 0;
  let unchanged = 0;
  for (const community of all) {
    const week = dueWeek(now, community.timeZone, DIGEST_HOUR);
    if (!week) continue;
    // One digest per member and week: the dedupe key is this prefix and the member's id.
    const prefix = `digest-${week.fromDay}-`;
    for (const recipient of await recipients(deps.db, community.id, prefix)) {
      const locale: Locale = toLocale(recipient.locale) ?? toLocale(community.locale) ?? 'en';
      const picks = await currentRecommendations(deps.db, { communityId: community.id, memberId: recipient.memberId, locale }, DIGEST_PICKS);
      const courseIds = picks.map((pick) => pick.courseId);
      if (!picks.length || (await sameAsLastTime(deps.db, community.id, recipient.memberId, courseIds))) {
        unchanged += 1;
        continue;
      }
      const id = await deps.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(deliveries)
          .values({ communityId: community.id, kind: 'digest', dedupeKey: prefix + recipient.memberId, memberId: recipient.memberId, platform: recipient.platform, targetKind: 'dm', targetId: recipient.userId, payload: digestReply(locale, picks), scheduledAt: now })
          .onConflictDoNothing()
          .returning({ id: deliveries.id });
        if (row) await tx.insert(behaviourEvents).values({ communityId: community.id, memberId: recipient.memberId, kind: 'digest_sent', deliveryId: row.id, metadata: { courses: courseIds, week: week.fromDay }, occurredAt: now });
        return row?.id;
      });
      if (!id) continue;
      await deps.queue.enqueue('delivery.send', { deliveryId: id }, { bulk: true });
      planned += 1;
    }
  }
  return { planned, unchanged };
}

/**
 * Active members with stored picks and no digest this week yet, each on one platform (Telegram,
 * then the console, then Discord), leaving out who turned digests (or private messages) off
 * everywhere or on that platform. The send step checks the choice again.
 */
async function recipients(db: CoreDeps['db'], communityId: string, keyPrefix: string): Promise<Recipient[]> {
  const rows = await db.execute<{ member_id: string; platform: Platform; platform_user_id: string; locale: string | null }>(sql`
    select distinct on (m.member_id) m.member_id, pi.platform, pi.platform_user_id, pi.locale
    from memberships m
    join platform_identities pi on pi.member_id = m.member_id
    where m.community_id = ${communityId} and m.status = 'active'
      and exists (select 1 from recommendations r where r.community_id = ${communityId} and r.member_id = m.member_id)
      and not exists (select 1 from notification_preferences p where p.community_id = ${communityId} and p.member_id = m.member_id
        and p.kind in ('digests', 'dms') and p.platform in ('all', pi.platform::text) and not p.enabled)
      and not exists (select 1 from deliveries d where d.community_id = ${communityId} and d.dedupe_key = ${keyPrefix} || m.member_id::text)
    order by m.member_id, case pi.platform when 'telegram' then 0 when 'console' then 1 else 2 end`);
  return rows.map((row) => ({ memberId: row.member_id, platform: row.platform, userId: row.platform_user_id, locale: row.locale }));
}

async function sameAsLastTime(db: CoreDeps['db'], communityId: string, memberId: string, courseIds: string[]): Promise<boolean> {
  const [last] = await db
    .select({ metadata: behaviourEvents.metadata })
    .from(behaviourEvents)
    .where(and(eq(behaviourEvents.communityId, communityId), eq(behaviourEvents.memberId, memberId), eq(behaviourEvents.kind, 'digest_sent')))
    .orderBy(desc(behaviourEvents.occurredAt))
    .limit(1);
  const before = new Set((last?.metadata.courses as string[] | undefined) ?? []);
  return courseIds.every((id) => before.has(id));
}

function digestReply(locale: Locale, picks: Recommended[]): Reply {
  return {
    title: t(locale, 'digest.title'),
    fields: picks.map((pick, index) => ({ name: truncate(`${index + 1}. ${pick.title}`, replyLimits.fieldName), value: truncate(`${reasonText(locale, pick)}${pick.summary ? `\n${pick.summary}` : ''}`, 300) })),
    footer: t(locale, 'digest.footer'),
    actions: [
      { buttons: picks.map((pick, index) => ({ label: t(locale, 'recommend.open', { n: index + 1 }), action: { type: 'digest.open' as const, courseId: pick.courseId }, style: 'primary' as const })) },
      { buttons: [{ label: t(locale, 'notifications.unsubscribe'), action: { type: 'notifications.off' as const, kind: 'digests' as const } }] },
    ],
  };
}

/**
 * A digest's Open button: the click is recorded (`digest_click`, for the digest's click-through)
 * when the course is one of the actor's community, then the course card as `course.show` shows it.
 */
export async function openFromDigest(deps: Pick<CoreDeps, 'db' | 'clock'>, actor: Actor, courseId: string): Promise<Result<Reply, DomainError>> {
  const card = await showCourse(deps, actor, { courseId });
  if (card.ok) await recordEvent(deps.db, { communityId: actor.communityId, memberId: actor.memberId, kind: 'digest_click', courseId, occurredAt: deps.clock.now() });
  return card;
}
