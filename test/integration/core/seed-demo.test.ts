import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const counts = async (database: TestDatabase) => {
  const [row] = await database.db.execute<Record<string, number>>(sql`
    select
      (select count(*)::int from communities) as communities,
      (select count(*)::int from courses) as courses,
      (select count(*)::int from lessons) as lessons,
      (select count(*)::int from products) as products,
      (select count(*)::int from product_grants) as grants,
      (select count(*)::int from memberships) as memberships,
      (select count(*)::int from platform_identities) as identities,
      (select count(*)::int from behaviour_events) as events`);
  return row;
};

describe('seedDemoCommunity', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('loads a bilingual catalogue with lessons, two products and the console personas', async () => {
    const seeded = await seedDemoCommunity(database.db, new Date());
    expect(seeded.created).toBe(true);
    const [catalogue] = await database.db.execute<{ en: number; zh: number; categories: number; published: number }>(sql`
      select count(*) filter (where language = 'en')::int as en,
             count(*) filter (where language = 'zh')::int as zh,
             count(distinct category)::int as categories,
             count(*) filter (where status = 'published')::int as published
      from courses`);
    expect(catalogue!.en).toBeGreaterThanOrEqual(10);
    expect(catalogue!.zh).toBeGreaterThanOrEqual(6);
    expect(catalogue!.categories).toBeGreaterThanOrEqual(5);
    expect(catalogue!.published).toBeGreaterThanOrEqual(18);
    expect(await counts(database)).toMatchObject({ communities: 1, products: 2, memberships: 4, identities: 4 });
  });

  it('changes nothing when run again', async () => {
    const before = await counts(database);
    const again = await seedDemoCommunity(database.db, new Date());
    expect(again.created).toBe(false);
    expect(await counts(database)).toEqual(before);
  });

  it('is safe to run concurrently', async () => {
    const fresh = await createTestDatabase();
    try {
      const results = await Promise.allSettled([seedDemoCommunity(fresh.db, new Date()), seedDemoCommunity(fresh.db, new Date())]);
      const created = results.filter((r) => r.status === 'fulfilled' && r.value.created);
      expect(created).toHaveLength(1);
      expect((await counts(fresh))?.communities).toBe(1);
      expect((await counts(fresh))?.courses).toBe((await counts(database))?.courses);
    } finally {
      await fresh.drop();
    }
  });
});
