import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../../core/analytics/record-event.ts';
import { refreshCourseStats } from '../../../core/catalog/refresh-course-stats.ts';
import { searchCourses } from '../../../core/catalog/search-courses.ts';
import { courseStats } from '../../../core/db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity, createCourse } from '../../support/fixtures.ts';

describe('refreshCourseStats', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('counts the last 30 days of events per course and orders the catalogue by popularity', async () => {
    const now = new Date('2026-11-24T12:00:00Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const community = await createCommunity(database.db);
    const quiet = await createCourse(database.db, community.id, { title: 'A quiet course' });
    const viewed = await createCourse(database.db, community.id, { title: 'B viewed course' });
    const bought = await createCourse(database.db, community.id, { title: 'C bought course' });
    const events = [
      ...Array.from({ length: 6 }, () => ({ courseId: viewed.id, kind: 'course_view' as const, occurredAt: daysAgo(2) })),
      { courseId: bought.id, kind: 'course_view' as const, occurredAt: daysAgo(1) },
      { courseId: bought.id, kind: 'purchase' as const, occurredAt: daysAgo(1) },
      { courseId: bought.id, kind: 'purchase' as const, occurredAt: daysAgo(3) },
      { courseId: quiet.id, kind: 'course_view' as const, occurredAt: daysAgo(45) },
    ];
    for (const event of events) await recordEvent(database.db, { communityId: community.id, ...event });

    expect(await refreshCourseStats(database.db, { communityId: community.id, now })).toBe(3);
    const stats = await database.db.select().from(courseStats).where(eq(courseStats.communityId, community.id));
    const of = (id: string) => stats.find((row) => row.courseId === id);
    expect(of(quiet.id)).toMatchObject({ views30d: 0, purchases30d: 0, popularity: 0 });
    expect(of(viewed.id)).toMatchObject({ views30d: 6, purchases30d: 0 });
    expect(of(bought.id)).toMatchObject({ views30d: 1, purchases30d: 2 });

    const listing = await searchCourses(database.db, {
      communityId: community.id,
      statuses: ['published'],
      limit: 10,
      offset: 0,
    });
    expect(listing.items.map((item) => item.title)).toEqual(['C bought course', 'B viewed course', 'A quiet course']);

    await refreshCourseStats(database.db, { communityId: community.id, now });
    expect(await database.db.select().from(courseStats).where(eq(courseStats.communityId, community.id))).toHaveLength(3);
  });
});
