import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { courses } from '../db/schema/index.ts';
import type { CourseStatus } from './types.ts';

/** Categories that have at least one course the actor may see, alphabetically, with counts. */
export async function listCategories(
  db: Queryable,
  params: { communityId: string; statuses: CourseStatus[] },
): Promise<Array<{ category: string; courses: number }>> {
  return db
    .select({ category: courses.category, courses: count() })
    .from(courses)
    .where(and(eq(courses.communityId, params.communityId), inArray(courses.status, params.statuses)))
    .groupBy(courses.category)
    .orderBy(asc(courses.category));
}
