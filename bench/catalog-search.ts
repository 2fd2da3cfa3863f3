import { commandDeps } from '../test/support/core-deps.ts';
/**
 * Catalog search latency at 10k courses, in-process against real Postgres.
 * Run: `npm run bench` (DATABASE_URL to use your own server; COURSES to change the size).
 */
import { searchCourses } from '../core/catalog/search-courses.ts';
import { handleCommand } from '../core/dispatch.ts';
import { benchDatabase, measure, printTimings, type Timing } from './support.ts';
import { seedLargeCatalog } from './catalog-data.ts';

const count = Number(process.env.COURSES ?? 10_000);
const database = await benchDatabase();
try {
  const started = Date.now();
  const { communityId, spaceId } = await seedLargeCatalog(database.db, count);
  console.log(`seeded ${count} courses (+${Math.round(count / 10)} in another community) in ${Date.now() - started} ms`);

  const search = (query?: string, category?: string, page = 1) => (): Promise<{ total: number }> =>
    searchCourses(database.db, { communityId, statuses: ['published'], query, category, limit: 5, offset: (page - 1) * 5 });
  const cases: Array<[string, () => Promise<{ total: number }>]> = [
    ['list page 1 (popular first)', search()],
    ['list page 200', search(undefined, undefined, 200)],
    ['category "Data"', search(undefined, 'Data')],
    ['search "python"', search('python')],
    ['search "data analysis"', search('data analysis')],
    ['search "pyth" (prefix)', search('pyth')],
    ['search "Typscript" (typo)', search('Typscript')],
    ['search "增长"', search('增长')],
    ['search "机器学习"', search('机器学习')],
    ['search "python" in "Programming"', search('python', 'Programming')],
    ['search with no match', search('zzzzqqq')],
  ];
  const timings: Timing[] = [];
  for (const [name, fn] of cases) {
    const { total } = (await fn()) as { total: number };
    timings.push(await measure(`${name} [${total} matches]`, fn));
  }

  const caller = { platform: 'console' as const, userId: 'bench-user', displayName: 'Bench', locale: 'en', spaceId };
  timings.push(await measure('/courses use case (actor + categories + page)', () => handleCommand(commandDeps(database.db), caller, 'courses', {})));
  timings.push(
    await measure('/courses 增长 use case', () => handleCommand(commandDeps(database.db), caller, 'courses', { query: '增长' })),
  );
  printTimings(`catalog search, ${count} courses, sequential, in-process`, timings);
  const worst = Math.max(...timings.map((t) => t.p99));
  console.log(`\nworst p99: ${worst.toFixed(2)} ms (target < 50 ms)`);
} finally {
  await database.dispose();
}
