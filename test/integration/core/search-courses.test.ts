import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchCourses } from '../../../core/catalog/search-courses.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity, createCourse } from '../../support/fixtures.ts';

describe('searchCourses', () => {
  let database: TestDatabase;
  let communityId: string;
  const published = ['published'] as const;
  const search = (query?: string, extra: { category?: string; statuses?: Array<'draft' | 'review' | 'published'> } = {}) =>
    searchCourses(database.db, {
      communityId,
      statuses: extra.statuses ?? [...published],
      query,
      category: extra.category,
      limit: 50,
      offset: 0,
    });
  const titles = async (query?: string, extra = {}) => (await search(query, extra)).items.map((item) => item.title);

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await seedDemoCommunity(database.db, new Date())).communityId;
  });
  afterAll(() => database.drop());

  it('finds English courses by word, prefix and stem', async () => {
    expect(await titles('python')).toEqual(
      expect.arrayContaining(['Python for Absolute Beginners', 'Data Analysis with Python and pandas', 'Python 编程入门']),
    );
    expect(await titles('pyth')).toContain('Python for Absolute Beginners');
    expect(await titles('communities')).toContain('Building a Paid Community');
    expect(await titles('pandas')).toEqual(['Data Analysis with Python and pandas']);
  });

  it('finds Chinese courses by a word inside a longer run of characters', async () => {
    expect(await titles('增长')).toEqual(expect.arrayContaining(['增长黑客入门', '用户增长实战：从 0 到 10 万']));
    expect(await titles('增长')).toHaveLength(2);
    expect(await titles('机器学习')).toEqual(['机器学习实战']);
    expect(await titles('文案')).toEqual(['文案写作训练营']);
  });

  it('tolerates a typo in a title word', async () => {
    expect(await titles('Typscript Fundamentals')).toContain('TypeScript Fundamentals');
  });

  it('ranks the best match first', async () => {
    expect((await titles('sql for analysts'))[0]).toBe('SQL for Analysts');
  });

  it('treats LIKE wildcards in a query as text', async () => {
    expect(await titles('%')).toEqual([]);
    expect(await titles('_')).toEqual([]);
  });

  it('filters by category case-insensitively and combines it with a query', async () => {
    const data = await search(undefined, { category: 'data' });
    expect(data.items.every((item) => item.category === 'Data')).toBe(true);
    expect(data.total).toBe(3);
    expect((await titles('python', { category: 'Data' })).sort()).toEqual(['Data Analysis with Python and pandas', '机器学习实战']);
  });

  it('shows only the requested statuses', async () => {
    expect(await titles('automation')).toEqual([]);
    expect(await titles('automation', { statuses: ['draft', 'review', 'published'] })).toEqual(['No-Code Automation']);
  });

  it('pages with a stable order and a total of all matches', async () => {
    const page = (offset: number) =>
      searchCourses(database.db, { communityId, statuses: ['published'], limit: 5, offset });
    const [first, second, beyond] = await Promise.all([page(0), page(5), page(500)]);
    expect(first.items).toHaveLength(5);
    expect(first.total).toBe(19);
    expect(second.total).toBe(19);
    expect(new Set([...first.items, ...second.items].map((item) => item.id)).size).toBe(10);
    expect(beyond.items).toEqual([]);
    expect(beyond.total).toBe(19);
  });

  it('never returns another community’s courses', async () => {
    const other = await createCommunity(database.db);
    await createCourse(database.db, other.id, { title: 'Python Secrets of Another Community' });
    expect(await titles('secrets')).toEqual([]);
    const theirs = await searchCourses(database.db, {
      communityId: other.id,
      statuses: ['published'],
      query: 'python',
      limit: 10,
      offset: 0,
    });
    expect(theirs.items.map((item) => item.title)).toEqual(['Python Secrets of Another Community']);
  });
});
