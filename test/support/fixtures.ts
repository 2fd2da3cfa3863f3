import { randomBytes } from 'node:crypto';
import type { Database } from '../../core/db/client.ts';
import { communities, courses, lessons, platformSpaces } from '../../core/db/schema/index.ts';
import type { Caller } from '../../core/members/actor.ts';

const suffix = () => randomBytes(4).toString('hex');

/** A community with one linked space (a console space by default). */
export async function createCommunity(db: Database, options: { name?: string; defaultLocale?: string } = {}) {
  const [community] = await db
    .insert(communities)
    .values({ slug: `c-${suffix()}`, name: options.name ?? 'Test Community', defaultLocale: options.defaultLocale ?? 'en' })
    .returning();
  const spaceId = `space-${suffix()}`;
  await db
    .insert(platformSpaces)
    .values({ communityId: community!.id, platform: 'console', kind: 'console', externalId: spaceId });
  return { ...community!, spaceId };
}

export async function createCourse(
  db: Database,
  communityId: string,
  overrides: Partial<typeof courses.$inferInsert> & { lessonTitles?: string[] } = {},
) {
  const { lessonTitles = [], ...values } = overrides;
  const [course] = await db
    .insert(courses)
    .values({
      communityId,
      slug: `course-${suffix()}`,
      title: 'Untitled course',
      category: 'General',
      status: 'published',
      ...values,
    })
    .returning();
  if (lessonTitles.length) {
    await db.insert(lessons).values(
      lessonTitles.map((title, index) => ({ communityId, courseId: course!.id, position: index + 1, title })),
    );
  }
  return course!;
}

export const consoleCaller = (spaceId: string | undefined, userId = `user-${suffix()}`, locale = 'en'): Caller => ({
  platform: 'console',
  userId,
  displayName: `Tester ${userId}`,
  locale,
  spaceId,
});
