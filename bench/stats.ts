/**
 * `/stats` at scale: one community (Asia/Shanghai) with a generated year of MEMBERS members
 * (default 100k), about EVENTS_PER_MEMBER behaviour events each (default 10: ~1M events) and
 * the ledger their purchases make (~175k entries), next to a small second community (2,000
 * members) so every query is tenant-scoped. Measures the analytics rollup refresh (the first,
 * full one; an incremental one after ~1,000 ledger rows and ~10,000 events; a no-op one),
 * `buildReport('overview')` (what `/stats overview` computes), its chart as PNG, the whole
 * `/stats overview` (report + PNG + stored file), and the other views once each. Numbers are
 * printed, never asserted. Run: `npm run bench:stats` (MEMBERS, EVENTS_PER_MEMBER, RUNS to
 * change sizes; BUDGET_S caps the time one measurement may take, default 300 s: slower ones run
 * fewer times).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { createVegaCharts } from '../bots/charts/vega-charts.ts';
import { createLocalFileStore } from '../bots/files/local-file-store.ts';
import { parsePeriod } from '../core/analytics/period.ts';
import { buildReport, type Report, type ReportView } from '../core/analytics/report.ts';
import { refreshRollups, type RollupRefresh } from '../core/analytics/rollups.ts';
import { runStats } from '../core/analytics/stats-command.ts';
import type { Database } from '../core/db/client.ts';
import { communities, platformSpaces } from '../core/db/schema/index.ts';
import { generateHistory } from '../core/seed/history.ts';
import { insertHistory } from '../core/seed/insert-history.ts';
import { benchDatabase, measure, printTimings, type Timing } from './support.ts';

const memberCount = Number(process.env.MEMBERS ?? 100_000);
const eventsPerMember = Number(process.env.EVENTS_PER_MEMBER ?? 10);
const runs = Number(process.env.RUNS ?? 30);
/** A measurement whose runs would take longer than this runs fewer times (at least once): one run is reported as p50 = p99. */
const budgetMs = Number(process.env.BUDGET_S ?? 300) * 1000;
const SMALL_MEMBERS = 2_000;
const NEW_LEDGER_ROWS = 1_000;
const NEW_EVENTS = 10_000;
const HOUR = 3_600_000;
const TIME_ZONE = 'Asia/Shanghai';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/**
 * `measure`, within the time budget. `probeMs` is one run already made: it counts as the warm-up
 * when the full count would not fit, and is the one sample when even a single run is over budget.
 */
async function measureWithin(name: string, fn: () => Promise<unknown>, probeMs: number, wanted: number, warmup: number): Promise<Timing> {
  if (probeMs * (wanted + warmup) <= budgetMs) return measure(name, fn, wanted, warmup);
  if (probeMs > budgetMs) return { name: `${name} [over budget: 1 run]`, runs: 1, p50: probeMs, p95: probeMs, p99: probeMs, max: probeMs };
  const fit = Math.max(1, Math.min(wanted, Math.floor(budgetMs / probeMs)));
  return measure(`${name} [budget: ${fit} of ${wanted} runs]`, fn, fit, 0);
}

async function createCommunity(db: Database, slug: string, name: string, timezone: string) {
  const [community] = await db.insert(communities).values({ slug, name, timezone }).returning();
  await db.insert(platformSpaces).values({ communityId: community!.id, platform: 'console', kind: 'console', externalId: `space-${slug}` });
  return community!;
}

const database = await benchDatabase();
const filesDir = await mkdtemp('/tmp/lyceum-bench-files-');
try {
  const db = database.db;

  // Set-up (not measured): two communities and their histories, ending an hour ago so the
  // rollup's 10-minute ledger overlap holds none of them.
  const setupStarted = performance.now();
  const historyNow = new Date(Date.now() - HOUR);
  const big = await createCommunity(db, 'bench-stats', 'Bench Academy', TIME_ZONE);
  const small = await createCommunity(db, 'bench-stats-small', 'Small Academy', 'America/New_York');
  const generated = await timed(async () => ({
    big: generateHistory({ seed: 42, members: memberCount, now: historyNow, eventsPerMember }),
    small: generateHistory({ seed: 7, members: SMALL_MEMBERS, now: historyNow, eventsPerMember }),
  }));
  const inserted = await timed(async () => {
    await insertHistory(db, big.id, generated.value.big);
    await insertHistory(db, small.id, generated.value.small);
  });
  const analyzed = await timed(() => db.execute(sql`analyze`));
  const [counts] = await db.execute<{ members: number; ledger: number; events: number; subscriptions: number; orders: number; enrollments: number }>(sql`
    select (select count(*) from memberships where community_id = ${big.id})::int as members,
      (select count(*) from ledger_entries where community_id = ${big.id})::int as ledger,
      (select count(*) from behaviour_events where community_id = ${big.id})::int as events,
      (select count(*) from subscriptions where community_id = ${big.id})::int as subscriptions,
      (select count(*) from orders where community_id = ${big.id})::int as orders,
      (select count(*) from enrollments where community_id = ${big.id})::int as enrollments`);
  const smallHistory = generated.value.small;
  console.log(`\n/stats at scale: set-up (not measured)`);
  console.log(`community "${big.slug}" (${TIME_ZONE}): ${counts!.members} members, ${counts!.events} behaviour events, ${counts!.ledger} ledger entries, ${counts!.subscriptions} subscriptions, ${counts!.orders} orders, ${counts!.enrollments} enrolments`);
  console.log(`community "${small.slug}" (America/New_York): ${smallHistory.members.length} members, ${smallHistory.events.length} behaviour events, ${smallHistory.ledger.length} ledger entries, ${smallHistory.subscriptions.length} subscriptions`);
  console.log(`generate ${seconds(generated.ms)}, insertHistory ${seconds(inserted.ms)}, analyze ${seconds(analyzed.ms)}, set-up total ${seconds(performance.now() - setupStarted)}`);

  // The rollups: the first refresh reads everything; then ~1,000 ledger rows and ~10,000 events
  // arrive (not measured) and an incremental refresh reads them; then one with nothing new.
  const refreshLine = (label: string, run: { value: RollupRefresh; ms: number }) =>
    console.log(`${label.padEnd(44)} ${seconds(run.ms).padStart(10)}  (${run.value.revenueDays} revenue rows written, ${run.value.activeRows} active rows added)`);
  console.log(`\nAnalytics rollup refresh (refreshRollups, both communities)`);
  const full = await timed(() => refreshRollups(db));
  refreshLine('full (first run, empty rollups)', full);
  const arrived = await timed(async () => {
    await db.execute(sql`
      insert into ledger_entries (community_id, order_id, subscription_id, provider, kind, amount, currency, provider_ref, payment_ref, occurred_at)
      select o.community_id, o.id, null, o.provider, 'charge', o.amount, o.currency, 'bench_new_' || o.id, 'bench_new_' || o.id, now() - random() * interval '3 days'
      from orders o where o.community_id = ${big.id} and o.status = 'paid' order by o.id limit ${NEW_LEDGER_ROWS}`);
    await db.execute(sql`
      insert into behaviour_events (community_id, member_id, kind, course_id, occurred_at)
      select ${big.id}, p.member_id, (array['course_view', 'search', 'lesson_opened', 'lesson_completed'])[1 + p.n % 4]::behaviour_kind, null, now() - random() * interval '1 day'
      from (select m.member_id, row_number() over () as n from memberships m where m.community_id = ${big.id} order by random() limit ${NEW_EVENTS}) p`);
  });
  const incremental = await timed(() => refreshRollups(db));
  refreshLine(`incremental (+${NEW_LEDGER_ROWS} ledger rows, +${NEW_EVENTS} events)`, incremental);
  const noop = await timed(() => refreshRollups(db));
  refreshLine('no-op (nothing new)', noop);
  console.log(`(inserting the new rows took ${seconds(arrived.ms)}, not measured; every run re-reads 10 minutes of ledger and the last 10,000 event ids by design)`);
  const [rollupSize] = await db.execute<{ revenue: number; active: number }>(sql`
    select (select count(*) from analytics_daily_revenue)::int as revenue, (select count(*) from analytics_daily_active)::int as active`);
  console.log(`rollups now hold ${rollupSize!.revenue} (community, day, currency) revenue rows and ${rollupSize!.active} (community, day, member) active rows`);

  // /stats overview, exactly as the command computes it.
  const now = new Date();
  const parsed = parsePeriod('30d', TIME_ZONE, now);
  if ('error' in parsed) throw new Error(`period: ${parsed.error}`);
  const period = parsed.period;
  const report = (view: ReportView): Promise<Report> => buildReport(view, { db, communityId: big.id, period, locale: 'en', now });
  const charts = createVegaCharts();
  const files = createLocalFileStore(filesDir);
  const deps = { db, clock: { now: () => now }, files, charts };
  const [owner] = await db.execute<{ member_id: string }>(sql`select member_id from memberships where community_id = ${big.id} limit 1`);
  const actor = { memberId: owner!.member_id, communityId: big.id, communityName: big.name, communitySlug: big.slug, role: 'owner' as const, locale: 'en' as const, platform: 'console' as const, platformUserId: 'bench-owner' };

  const probe = await timed(() => report('overview'));
  const overviewReport = probe.value;
  const chart = overviewReport.chart;
  if (!chart) throw new Error('the overview has no chart');
  const pngProbe = await timed(() => charts.png(chart));
  const timings: Timing[] = [];
  timings.push(await measureWithin(`buildReport('overview'), period 30d`, () => report('overview'), probe.ms, runs, 3));
  timings.push(await measureWithin(`chart PNG (vega + resvg, ${chart.rows.length} bars)`, () => charts.png(chart), pngProbe.ms, runs, 3));
  const stats = async () => {
    const result = await runStats(deps, actor, { action: 'overview' });
    if (!result.ok || !result.value.files?.length) throw new Error('/stats overview failed');
  };
  const statsProbe = probe.ms + pngProbe.ms > budgetMs ? await timed(stats) : { ms: probe.ms + pngProbe.ms };
  timings.push(await measureWithin('/stats overview (runStats: report + PNG + file)', stats, statsProbe.ms, runs, 3));
  printTimings(`/stats overview at ${counts!.members} members, ${counts!.events} events, ${counts!.ledger} ledger entries (${runs} runs after 3 warm-ups unless over the ${budgetMs / 1000} s budget; the first, cold report: ${probe.ms.toFixed(0)} ms)`, timings);
  for (const field of overviewReport.fields) console.log(`  ${field.name}: ${field.value}`);

  // The other views, 10 runs each after one (timed) warm-up; the overview's numbers are the ones above.
  const views: Timing[] = [{ ...timings[0]!, name: `buildReport('overview') (as above)` }];
  for (const view of ['revenue', 'members', 'courses', 'announcements'] as const) {
    const first = await timed(() => report(view));
    views.push(await measureWithin(`buildReport('${view}')`, () => report(view), first.ms, 10, 0));
  }
  printTimings('/stats views, period 30d (10 runs each after one warm-up, unless over the budget)', views);

  const p50 = (list: Timing[], name: string) => list.find((t) => t.name.startsWith(name))?.p50 ?? Number.NaN;
  const slowest = [...views].sort((a, b) => b.p50 - a.p50)[0]!;
  console.log(`\nSummary (${counts!.members} members, ${counts!.events} behaviour events, ${counts!.ledger} ledger entries, ${counts!.subscriptions} subscriptions)`);
  console.log(`rollup refresh: full ${seconds(full.ms)}, incremental ${seconds(incremental.ms)}, no-op ${seconds(noop.ms)}`);
  console.log(`/stats overview: p50 ${timings[2]!.p50.toFixed(0)} ms, p99 ${timings[2]!.p99.toFixed(0)} ms (report p50 ${p50(timings, 'buildReport').toFixed(0)} ms, PNG p50 ${p50(timings, 'chart PNG').toFixed(0)} ms)`);
  console.log(`slowest view: ${slowest.name} p50 ${slowest.p50.toFixed(0)} ms`);
  console.log(`set-up: insertHistory ${seconds(inserted.ms)} (not part of any number above)`);
} finally {
  await rm(filesDir, { recursive: true, force: true });
  await database.dispose();
}
