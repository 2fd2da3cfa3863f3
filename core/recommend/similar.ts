import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { courses, similarCourses } from '../db/schema/index.ts';

/** The published courses most like this one, as the last training run found them. */
export async function similarTo(db: Queryable, params: { communityId: string; courseId: string; limit: number }): Promise<Array<{ id: string; title: string }>> {
  return db
    .select({ id: courses.id, title: courses.title })
    .from(similarCourses)
    .innerJoin(courses, and(eq(courses.id, similarCourses.similarCourseId), eq(courses.communityId, similarCourses.communityId), eq(courses.status, 'published')))
    .where(and(eq(similarCourses.communityId, params.communityId), eq(similarCourses.courseId, params.courseId)))
    .orderBy(asc(similarCourses.rank))
    .limit(params.limit);
}
