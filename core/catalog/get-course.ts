import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { courses, lessons, productGrants, products } from '../db/schema/index.ts';
import { searchCourses } from './search-courses.ts';
import type { CourseStatus } from './types.ts';

/** A course of the given community with the given visible status, or undefined. */
export async function findCourse(
  db: Queryable,
  params: { communityId: string; courseId: string; statuses: CourseStatus[] },
) {
  const [course] = await db
    .select({
      id: courses.id,
      slug: courses.slug,
      title: courses.title,
      summary: courses.summary,
      description: courses.description,
      category: courses.category,
      tags: courses.tags,
      level: courses.level,
      language: courses.language,
      status: courses.status,
      authorMemberId: courses.authorMemberId,
    })
    .from(courses)
    .where(
      and(
        eq(courses.id, params.courseId),
        eq(courses.communityId, params.communityId),
        inArray(courses.status, params.statuses),
      ),
    );
  return course;
}

export type CourseDetail = NonNullable<Awaited<ReturnType<typeof findCourse>>>;

/** Resolves what a member typed: an exact slug or title first, else the best search match. */
export async function findCourseIdByName(
  db: Queryable,
  params: { communityId: string; name: string; statuses: CourseStatus[] },
): Promise<string | undefined> {
  const name = params.name.trim();
  const [exact] = await db
    .select({ id: courses.id })
    .from(courses)
    .where(
      and(
        eq(courses.communityId, params.communityId),
        inArray(courses.status, params.statuses),
        or(eq(courses.slug, name.toLowerCase()), sql`lower(${courses.title}) = lower(${name})`),
      ),
    )
    .limit(1);
  if (exact) return exact.id;
  const { items } = await searchCourses(db, { ...params, query: name, limit: 1, offset: 0 });
  return items[0]?.id;
}

export async function listLessons(db: Queryable, params: { communityId: string; courseId: string }) {
  return db
    .select({ id: lessons.id, position: lessons.position, title: lessons.title, dripOffsetDays: lessons.dripOffsetDays })
    .from(lessons)
    .where(and(eq(lessons.communityId, params.communityId), eq(lessons.courseId, params.courseId)))
    .orderBy(asc(lessons.position));
}

/** Active products that grant the course, cheapest first. */
export async function listProductsGranting(db: Queryable, params: { communityId: string; courseId: string }) {
  return db
    .select({
      id: products.id,
      name: products.name,
      kind: products.kind,
      interval: products.interval,
      priceAmount: products.priceAmount,
      currency: products.currency,
      starsPrice: products.starsPrice,
    })
    .from(productGrants)
    .innerJoin(products, eq(products.id, productGrants.productId))
    .where(
      and(
        eq(productGrants.communityId, params.communityId),
        eq(productGrants.courseId, params.courseId),
        eq(products.active, true),
      ),
    )
    .orderBy(asc(products.priceAmount));
}
