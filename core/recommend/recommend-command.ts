import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Action } from '../actions.ts';
import { sqlArray } from '../analytics/sql-array.ts';
import type { Queryable } from '../db/client.ts';
import type { RecommendationReason } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { type Locale, t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { type ActionRow, type Reply, replyLimits, truncate } from '../reply.ts';
import { ok, type Result } from '../result.ts';
import { heldCourses } from './signals.ts';

export const recommendInput = z.object({ page: z.coerce.number().int().min(1).max(100).default(1) });

export const RECOMMENDED_PER_PAGE = 5;
/** A course shown this many times and never opened is not recommended again. */
export const IGNORED_AFTER = 3;
const MAX_SHOWN = 20;

export type Recommended = { courseId: string; title: string; summary: string; category: string; reason: RecommendationReason; reasonCourse: string | null; productId: string | null };

/**
 * The member's recommendations now: the last training run's ranking without what they have
 * come to hold since (a purchase disappears at once) or were shown three times and never
 * opened; a member the run did not know (new, or no run yet) gets the popular courses, their
 * language first. Each with the cheapest product that includes it, for a Buy button.
 */
export async function currentRecommendations(db: Queryable, actor: Pick<Actor, 'communityId' | 'memberId' | 'locale'>, limit = MAX_SHOWN): Promise<Recommended[]> {
  const owned = sql`(select h.course_id from (${heldCourses(actor.communityId, actor.memberId)}) h)`;
  const ignored = sql`(select i.course_id from recommendation_impressions i where i.community_id = ${actor.communityId} and i.member_id = ${actor.memberId} and i.shown >= ${IGNORED_AFTER} and i.clicked_at is null)`;
  const product = sql`(select g.product_id from product_grants g join products p on p.id = g.product_id
    where g.community_id = ${actor.communityId} and g.course_id = c.id and g.kind = 'course' and p.active order by p.price_amount limit 1)`;
  const personal = await db.execute<{ course_id: string; title: string; summary: string; category: string; reason: RecommendationReason; reason_course: string | null; product_id: string | null }>(sql`
    select c.id as course_id, c.title, c.summary, c.category, r.reason, rc.title as reason_course, ${product} as product_id
    from recommendations r
    join courses c on c.id = r.course_id and c.community_id = r.community_id and c.status = 'published'
    left join courses rc on rc.id = r.reason_course_id
    where r.community_id = ${actor.communityId} and r.member_id = ${actor.memberId}
      and r.course_id not in ${owned} and r.course_id not in ${ignored}
    order by r.rank limit ${limit}`);
  const rows = personal.length
    ? personal
    : await db.execute<{ course_id: string; title: string; summary: string; category: string; reason: RecommendationReason; reason_course: null; product_id: string | null }>(sql`
        select c.id as course_id, c.title, c.summary, c.category, 'popular' as reason, null as reason_course, ${product} as product_id
        from courses c left join course_stats s on s.course_id = c.id
        where c.community_id = ${actor.communityId} and c.status = 'published' and c.id not in ${owned} and c.id not in ${ignored}
        order by (c.language = ${actor.locale}) desc, coalesce(s.popularity, 0) desc, c.title, c.id limit ${limit}`);
  return rows.map((row) => ({ courseId: row.course_id, title: row.title, summary: row.summary, category: row.category, reason: row.reason, reasonCourse: row.reason_course, productId: row.product_id }));
}

export function reasonText(locale: Locale, item: Pick<Recommended, 'reason' | 'reasonCourse' | 'category'>): string {
  if ((item.reason === 'finished' || item.reason === 'took' || item.reason === 'similar') && item.reasonCourse) return t(locale, `recommend.reason.${item.reason}`, { course: item.reasonCourse });
  return item.reason === 'popular_category' ? t(locale, 'recommend.reason.popular_category', { category: item.category }) : t(locale, 'recommend.reason.popular');
}

/** Counts what was shown, so what the member keeps passing over stops coming back. */
async function recordShown(db: Queryable, actor: Pick<Actor, 'communityId' | 'memberId'>, courseIds: string[], now: Date): Promise<void> {
  if (!courseIds.length) return;
  await db.execute(sql`
    insert into recommendation_impressions (community_id, member_id, course_id, shown, last_shown_at)
    select ${actor.communityId}, ${actor.memberId}, unnest(${sqlArray(courseIds, 'text')})::uuid, 1, ${now.toISOString()}::timestamptz
    on conflict (community_id, member_id, course_id) do update set shown = recommendation_impressions.shown + 1, last_shown_at = excluded.last_shown_at`);
}

/** The member opened a course: a recommendation of it was acted on, not ignored. */
export async function recordOpened(db: Queryable, actor: Pick<Actor, 'communityId' | 'memberId'>, courseId: string, now: Date): Promise<void> {
  await db.execute(sql`
    update recommendation_impressions set clicked_at = coalesce(clicked_at, ${now.toISOString()}::timestamptz)
    where community_id = ${actor.communityId} and member_id = ${actor.memberId} and course_id = ${courseId}`);
}

/** `/recommend [page]`: a page of the member's picks, each with its reason and Open / Buy buttons. */
export async function recommend(deps: Pick<CoreDeps, 'db' | 'clock'>, actor: Actor, input: z.infer<typeof recommendInput>): Promise<Result<Reply, DomainError>> {
  const all = await currentRecommendations(deps.db, actor);
  const { locale } = actor;
  if (!all.length) return ok({ title: t(locale, 'recommend.title'), body: t(locale, 'recommend.nothing'), ephemeral: true });
  const pages = Math.ceil(all.length / RECOMMENDED_PER_PAGE);
  const page = Math.min(input.page, pages);
  const from = (page - 1) * RECOMMENDED_PER_PAGE;
  const shown = all.slice(from, from + RECOMMENDED_PER_PAGE);
  await recordShown(deps.db, actor, shown.map((item) => item.courseId), deps.clock.now());
  const rows: ActionRow[] = [
    { buttons: shown.map((item, index) => ({ label: t(locale, 'recommend.open', { n: from + index + 1 }), action: { type: 'course.show', courseId: item.courseId } })) },
  ];
  const buyable = shown.flatMap((item, index) => (item.productId ? [{ label: t(locale, 'recommend.buy', { n: from + index + 1 }), action: { type: 'product.buy', productId: item.productId } as Action, style: 'primary' as const }] : []));
  if (buyable.length) rows.push({ buttons: buyable });
  const nav = [
    ...(page > 1 ? [{ label: t(locale, 'courses.prev'), action: { type: 'recommend.page', page: page - 1 } as Action }] : []),
    ...(page < pages ? [{ label: t(locale, 'courses.next'), action: { type: 'recommend.page', page: page + 1 } as Action }] : []),
  ];
  if (nav.length) rows.push({ buttons: nav });
  return ok({
    title: t(locale, 'recommend.title'),
    fields: shown.map((item, index) => ({ name: truncate(`${from + index + 1}. ${item.title}`, replyLimits.fieldName), value: truncate(`${reasonText(locale, item)}${item.summary ? `\n${item.summary}` : ''}`, 300) })),
    footer: t(locale, 'courses.page', { page, pages }),
    actions: rows,
    ephemeral: true,
  });
}

