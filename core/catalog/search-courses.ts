import { sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import type { CourseListItem, CourseStatus } from './types.ts';

export type CourseSearch = {
  communityId: string;
  statuses: CourseStatus[];
  query?: string | undefined;
  category?: string | undefined;
  limit: number;
  offset: number;
};

type Page = { items: CourseListItem[]; total: number };

/** Shorter queries make trigram similarity meaningless (and unindexable). */
const FUZZY_MIN_LENGTH = 3;

/**
 * One page of a community's catalogue, best match first. A query matches by full text (title,
 * tags, category, summary; word prefixes; English stems) or by substring (which finds Chinese
 * words inside longer runs of characters). Only when nothing matches does it fall back to
 * trigram similarity of the title, so a typo still finds its course without every search paying
 * for fuzzy matching. Without a query, courses come by popularity. `total` counts every match.
 */
export async function searchCourses(db: Queryable, search: CourseSearch): Promise<Page> {
  const query = search.query?.trim().toLowerCase() ?? '';
  if (!query) return findPage(db, search, sql`null::tsquery`, undefined, []);

  const pattern = `%${query.replace(/[\\%_]/g, '\\$&')}%`;
  const words = query.match(/[\p{L}\p{N}]+/gu);
  const prefixQuery = words?.length ? words.map((word) => `${word}:*`).join(' & ') : undefined;
  const tsQuery = prefixQuery
    ? sql`to_tsquery('simple', ${prefixQuery}) || to_tsquery('english', ${prefixQuery})`
    : sql`null::tsquery`;
  const exact = await findPage(db, search, tsQuery, sql`(c.search_vector @@ q.tsq or c.search_text like ${pattern})`, [
    sql`coalesce(ts_rank(c.search_vector, q.tsq), 0) + (case when c.search_text like ${pattern} then 0.3 else 0 end)
      + similarity(c.title, ${query}) * 0.5 desc`,
  ]);
  if (exact.total > 0 || Array.from(query).length < FUZZY_MIN_LENGTH) return exact;
  return findPage(db, search, sql`null::tsquery`, sql`c.title % ${query}`, [sql`similarity(c.title, ${query}) desc`]);
}

async function findPage(db: Queryable, search: CourseSearch, tsQuery: SQL, match: SQL | undefined, rank: SQL[]): Promise<Page> {
  const conditions: SQL[] = [sql`c.community_id = ${search.communityId}`, sql`c.status in ${search.statuses}`];
  if (search.category) conditions.push(sql`lower(c.category) = lower(${search.category})`);
  if (match) conditions.push(match);
  const where = sql.join(conditions, sql` and `);
  const order = sql.join([...rank, sql`coalesce(s.popularity, 0) desc, c.title asc, c.id asc`], sql`, `);

  const rows = await db.execute<CourseListItem & { total: number }>(sql`
    with q as (select ${tsQuery} as tsq)
    select c.id, c.slug, c.title, c.summary, c.category, c.level, c.language, c.status,
      (select count(*) from lessons l where l.course_id = c.id)::int as "lessonCount",
      count(*) over ()::int as total
    from courses c
    cross join q
    left join course_stats s on s.course_id = c.id
    where ${where}
    order by ${order}
    limit ${search.limit} offset ${search.offset}`);
  const items = rows.map(({ total: _total, ...item }) => item);
  if (rows[0] || search.offset === 0) return { items, total: rows[0]?.total ?? 0 };
  // Past the last page the window count has no row to ride on: count separately.
  const [counted] = await db.execute<{ total: number }>(sql`
    with q as (select ${tsQuery} as tsq)
    select count(*)::int as total from courses c cross join q where ${where}`);
  return { items, total: counted?.total ?? 0 };
}
