import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import type { Period } from './period.ts';

export type CourseEffect = {
  courseId: string;
  title: string;
  enrolments: number;
  completed: number;
  completionRate: number | null;
  /** Median of (finished - started) over the enrolments that finished, in seconds. */
  medianSecondsToComplete: number | null;
};

const between = (period: Pick<Period, 'from' | 'to'>) => sql`e.started_at >= ${period.from.toISOString()}::timestamptz and e.started_at < ${period.to.toISOString()}::timestamptz`;

/**
 * Per published (or archived) course, over the enrolments that started in the period: how many,
 * the share finished, and the median time to finish. Courses with no enrolment are left out.
 */
export async function courseEffectiveness(db: Queryable, communityId: string, period: Pick<Period, 'from' | 'to'>, courseId?: string): Promise<CourseEffect[]> {
  const rows = await db.execute<{ course_id: string; title: string; enrolments: number; completed: number; median: number | null }>(sql`
    select c.id as course_id, c.title, count(*)::int as enrolments, count(e.completed_at)::int as completed,
      percentile_cont(0.5) within group (order by extract(epoch from e.completed_at - e.started_at)) filter (where e.completed_at is not null) as median
    from enrollments e join courses c on c.id = e.course_id
    where e.community_id = ${communityId} and ${between(period)} ${courseId ? sql`and c.id = ${courseId}` : sql``}
    group by c.id, c.title
    order by count(*) desc, c.title`);
  return rows.map((row) => ({
    courseId: row.course_id,
    title: row.title,
    enrolments: row.enrolments,
    completed: row.completed,
    completionRate: row.enrolments ? row.completed / row.enrolments : null,
    medianSecondsToComplete: row.median === null ? null : Math.round(Number(row.median)),
  }));
}

export type DropOff = { courseId: string; title: string; position: number; lesson: string | null; stopped: number; share: number };

/**
 * Where members stop: for each enrolment of the period that did not finish, the last lesson it
 * finished (position 0: none), counted per lesson. `worstPerCourse` keeps each course's lesson
 * after which most stopped; otherwise every lesson of `courseId` is listed.
 */
export async function dropOff(db: Queryable, communityId: string, period: Pick<Period, 'from' | 'to'>, options: { courseId?: string; worstPerCourse?: boolean }): Promise<DropOff[]> {
  const rows = await db.execute<{ course_id: string; title: string; position: number; lesson: string | null; stopped: number; unfinished: number }>(sql`
    with unfinished as (
      select e.member_id, e.course_id from enrollments e
      where e.community_id = ${communityId} and e.completed_at is null and ${between(period)} ${options.courseId ? sql`and e.course_id = ${options.courseId}` : sql``}),
    last_done as (
      select u.course_id, coalesce(max(l.position), 0) as position
      from unfinished u
      left join lesson_progress p on p.community_id = ${communityId} and p.member_id = u.member_id and p.course_id = u.course_id
      left join lessons l on l.id = p.lesson_id
      group by u.member_id, u.course_id),
    counted as (
      select d.course_id, d.position, count(*)::int as stopped, sum(count(*)) over (partition by d.course_id)::int as unfinished
      from last_done d group by d.course_id, d.position)
    select k.course_id, c.title, k.position, l.title as lesson, k.stopped, k.unfinished
    from counted k join courses c on c.id = k.course_id
    left join lessons l on l.course_id = k.course_id and l.position = k.position
    order by k.course_id, k.stopped desc, k.position`);
  const all = rows.map((row) => ({ courseId: row.course_id, title: row.title, position: row.position, lesson: row.lesson, stopped: row.stopped, share: row.unfinished ? row.stopped / row.unfinished : 0 }));
  if (!options.worstPerCourse) return all.sort((a, b) => a.position - b.position);
  const worst = new Map<string, DropOff>();
  for (const row of all) if (!worst.has(row.courseId)) worst.set(row.courseId, row);
  return [...worst.values()].sort((a, b) => b.stopped - a.stopped || a.title.localeCompare(b.title));
}
