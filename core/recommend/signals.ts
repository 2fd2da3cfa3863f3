import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { ACCESS_STATUSES } from '../commerce/project-access.ts';
import { sqlArray } from '../analytics/sql-array.ts';

/** How much each act says about a member's interest in a course; a rating's strength also follows its score (see memberSignals). */
export const SIGNAL_STRENGTH = { course_view: 1, lesson_opened: 1.5, lesson_completed: 2, digest_click: 2, enrolled: 3, course_rated: 3, purchase: 5, owned: 5 } as const;
/** An act's weight halves every this many days. */
export const HALF_LIFE_DAYS = 90;
/** Acts older than this are not read at all. */
const HORIZON_DAYS = 365;

export type CourseRow = { id: string; title: string; summary: string; category: string; tags: string[]; level: string; language: string; lessons: string[] };
export type SignalRow = { memberId: string; courseId: string; weight: number; last: Date };

/** The community's published courses with what content similarity reads. */
export async function publishedCourses(db: Queryable, communityId: string): Promise<CourseRow[]> {
  const rows = await db.execute<{ id: string; title: string; summary: string; category: string; tags: string[]; level: string; language: string; lessons: string[] | null }>(sql`
    select c.id, c.title, c.summary, c.category, c.tags, c.level::text as level, c.language,
      (select array_agg(l.title order by l.position) from lessons l where l.course_id = c.id) as lessons
    from courses c where c.community_id = ${communityId} and c.status = 'published'
    order by c.id`);
  return rows.map((row) => ({ ...row, lessons: row.lessons ?? [] }));
}

/**
 * Per member and published course: the sum of their acts' strengths, each decayed by its age,
 * and when they last acted on it (the order of the member's sequence). Holding the course
 * (an entitlement) and an enrolment count as acts of their own, dated when they began.
 */
export async function memberSignals(db: Queryable, communityId: string, now: Date): Promise<SignalRow[]> {
  const horizon = new Date(now.getTime() - HORIZON_DAYS * 86_400_000).toISOString();
  const strength = sql.join(
    Object.entries(SIGNAL_STRENGTH).map(([kind, value]) => sql`when ${kind} then ${value}::float8`),
    sql` `,
  );
  const rows = await db.execute<{ member_id: string; course_id: string; weight: number; last: string }>(sql`
    with acts as (
      select e.member_id, e.course_id, e.kind::text as kind, e.occurred_at as at,
        -- A rating says as much as its stars: 5 counts the full strength, 3 a third, 1 or 2 nothing.
        case when e.kind <> 'course_rated' then 1 when e.metadata->>'score' ~ '^[1-5]$' then greatest(0, (e.metadata->>'score')::float8 - 2) / 3 else 1 end as scale
      from behaviour_events e
      where e.community_id = ${communityId} and e.member_id is not null and e.course_id is not null and e.occurred_at > ${horizon}::timestamptz
        and e.kind::text in (${sql.join(Object.keys(SIGNAL_STRENGTH).map((kind) => sql`${kind}`), sql`, `)})
      union all
      select n.member_id, n.course_id, 'enrolled', n.started_at, 1 from enrollments n where n.community_id = ${communityId}
      union all
      select t.member_id, g.course_id, 'owned', t.starts_at, 1 from entitlements t
      join product_grants g on g.product_id = t.product_id and g.kind = 'course'
      where t.community_id = ${communityId} and t.status::text = any(${sqlArray([...ACCESS_STATUSES], 'text')}))
    select a.member_id, a.course_id,
      sum((case a.kind ${strength} else 0 end) * a.scale * power(0.5, greatest(0, extract(epoch from (${now.toISOString()}::timestamptz - a.at)) / 86400.0) / ${HALF_LIFE_DAYS}))::float8 as weight,
      max(a.at) as last
    from acts a join courses c on c.id = a.course_id and c.community_id = ${communityId} and c.status = 'published'
    group by a.member_id, a.course_id
    order by a.member_id, max(a.at), a.course_id`);
  return rows.map((row) => ({ memberId: row.member_id, courseId: row.course_id, weight: Number(row.weight), last: new Date(row.last) }));
}

/** (member_id, course_id) of each course a member holds (an active or grace entitlement) or has enrolled in; of one member when given. */
export function heldCourses(communityId: string, memberId?: string): SQL {
  const member = (column: SQL) => (memberId ? sql`and ${column} = ${memberId}` : sql``);
  return sql`
    select n.member_id, n.course_id from enrollments n where n.community_id = ${communityId} ${member(sql`n.member_id`)}
    union
    select t.member_id, g.course_id from entitlements t join product_grants g on g.product_id = t.product_id and g.kind = 'course'
    where t.community_id = ${communityId} ${member(sql`t.member_id`)} and t.status::text = any(${sqlArray([...ACCESS_STATUSES], 'text')})`;
}

/** Courses each member holds or has enrolled in: never recommended to them. */
export async function ownedCourses(db: Queryable, communityId: string): Promise<Map<string, Set<string>>> {
  const rows = await db.execute<{ member_id: string; course_id: string }>(heldCourses(communityId));
  const owned = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = owned.get(row.member_id) ?? new Set<string>();
    set.add(row.course_id);
    owned.set(row.member_id, set);
  }
  return owned;
}

const segmenter = new Intl.Segmenter(['zh', 'en'], { granularity: 'word' });

/** Words of a text, English and Chinese alike (ICU's dictionary segments Chinese), lower-cased. */
export function words(text: string): string[] {
  const result: string[] = [];
  for (const segment of segmenter.segment(text.toLowerCase())) {
    if (!segment.isWordLike) continue;
    const word = segment.segment;
    // One latin letter or digit says nothing; one Chinese character often does.
    if (/^[\p{Script=Latin}\d]$/u.test(word)) continue;
    result.push(word);
  }
  return result;
}

/** A course's content features, as content similarity reads them. */
export function courseFeatures(course: CourseRow): string[] {
  const text = [course.title, course.title, course.summary, ...course.lessons].join(' ');
  return [`category:${course.category.toLowerCase()}`, ...course.tags.map((tag) => `tag:${tag.toLowerCase()}`), `level:${course.level}`, `lang:${course.language}`, ...words(text).map((word) => `word:${word}`)];
}
