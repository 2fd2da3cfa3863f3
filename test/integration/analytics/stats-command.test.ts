import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '../../../core/db/schema/index.ts';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVegaCharts } from '../../../bots/charts/vega-charts.ts';
import type { Chart } from '../../../core/analytics/chart.ts';
import { refreshRollups } from '../../../core/analytics/rollups.ts';
import { communities, memberships } from '../../../core/db/schema/index.ts';
import { handleCommand, type Outcome } from '../../../core/dispatch.ts';
import { FakeClock } from '../../support/fakes.ts';
import { generateHistory } from '../../../core/seed/history.ts';
import { insertHistory } from '../../../core/seed/insert-history.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { consoleCaller, createCommunity } from '../../support/fixtures.ts';

const NOW = new Date('2026-11-20T09:30:00Z');

/** The pixels of a PNG, and how many of them are not (near) white. */
function inked(bytes: Uint8Array, region?: { x: number; y: number; width: number; height: number }) {
  const png = PNG.sync.read(Buffer.from(bytes));
  const area = region ?? { x: 0, y: 0, width: png.width, height: png.height };
  let ink = 0;
  const pixels: number[] = [];
  for (let y = area.y; y < area.y + area.height; y += 1) {
    for (let x = area.x; x < area.x + area.width; x += 1) {
      const offset = (y * png.width + x) * 4;
      const grey = (png.data[offset]! + png.data[offset + 1]! + png.data[offset + 2]!) / 3;
      pixels.push(Math.round(grey));
      if (grey < 200) ink += 1;
    }
  }
  return { width: png.width, height: png.height, ink, pixels };
}

/** /stats through dispatch on a generated community: the numbers, the PNG chart, CSV exports, both languages. */
describe('/stats', () => {
  let database: TestDatabase;
  let deps: ReturnType<typeof commandDeps>;
  let spaceId: string;
  const creator = () => consoleCaller(spaceId, 'stats-creator');

  beforeAll(async () => {
    database = await createTestDatabase();
    const community = await createCommunity(database.db, { name: 'Stats Academy' });
    spaceId = community.spaceId;
    await database.db.update(communities).set({ timezone: 'Europe/Berlin' }).where(eq(communities.id, community.id));
    await insertHistory(database.db, community.id, generateHistory({ seed: 3, members: 800, now: NOW }));
    await refreshRollups(database.db);
    deps = commandDeps(database.db, { clock: new FakeClock(NOW) });
    const first = await handleCommand(deps, creator(), 'help', {});
    await database.db.update(memberships).set({ role: 'creator' }).where(and(eq(memberships.communityId, community.id), eq(memberships.memberId, first.actor!.memberId)));
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  const pngOf = async (outcome: Outcome) => {
    const file = outcome.reply.files?.find((candidate) => candidate.mime === 'image/png');
    if (!file) throw new Error('no chart');
    return (await deps.files.get(file.sha256))!;
  };

  it('answers creators with the key numbers and a PNG chart within the upload limits', async () => {
    const overview = await handleCommand(deps, creator(), 'stats', {});
    expect(overview.error).toBeUndefined();
    expect(overview.reply.title).toBe('Community at a glance');
    expect(overview.reply.fields?.map((field) => field.name)).toEqual([
      'Net revenue', 'MRR', 'ARPU (MRR per paying member)', 'Paying subscribers', 'Subscriber churn (30 days)', 'Trial to paid (30 days)', 'Active members', 'Funnel: viewed → checkout → paid', 'Largest drop-off',
    ]);
    expect(overview.reply.fields?.[0]?.value).toMatch(/^\$[\d,]+\.\d{2} · ⭐ \d+$/);
    expect(overview.reply.footer).toBe('2026-10-22 to 2026-11-20 (Europe/Berlin)');
    const png = await pngOf(overview);
    expect(png.byteLength).toBeLessThan(10 * 1024 * 1024);
    const picture = inked(png);
    expect(picture.width).toBeGreaterThan(600);
    expect(picture.ink).toBeGreaterThan(5_000);
    expect(new Set(picture.pixels).size).toBeGreaterThan(20);

    for (const view of ['revenue', 'members', 'courses', 'announcements'] as const) {
      const outcome = await handleCommand(deps, creator(), 'stats', { action: view, period: '90d' });
      expect(outcome.error).toBeUndefined();
      expect(outcome.reply.fields?.length).toBeGreaterThan(0);
      expect(inked(await pngOf(outcome)).ink).toBeGreaterThan(1_000);
    }
    const course = await handleCommand(deps, creator(), 'stats', { action: 'course', course: 'Course 1', period: '12m' });
    expect(course.reply.title).toBe('Course: Course 1');
    expect(course.reply.fields?.map((field) => field.name)).toEqual(['Enrolments', 'Completion rate', 'Median time to complete', 'Largest drop-off']);
  });

  it('reads its reports from the read replica when one is configured, writing nothing there', async () => {
    // A read-only session stands in for a streaming replica: any write through it would fail.
    const replica = postgres(database.directUrl, { max: 2, prepare: false, onnotice: () => {}, connection: { default_transaction_read_only: true } });
    const onReplica = { ...deps, analyticsDb: drizzle(replica, { schema }) };
    const primary = await handleCommand(deps, creator(), 'stats', { action: 'revenue', period: '90d' });
    const replicated = await handleCommand(onReplica, creator(), 'stats', { action: 'revenue', period: '90d' });
    expect(primary.reply.fields?.length).toBeGreaterThan(0);
    expect(replicated.reply.fields).toEqual(primary.reply.fields);
    await replica.end();
    // Gone, the replica takes the report with it: proof it was the one read.
    const without = await handleCommand(onReplica, creator(), 'stats', { action: 'revenue', period: '90d' }).catch((error: unknown) => error);
    expect(without).toBeInstanceOf(Error);
  });

  it('writes Chinese labels with real glyphs, not boxes', async () => {
    const zh = await handleCommand(deps, { ...creator(), locale: 'zh' }, 'stats', { action: 'revenue', period: '30d' });
    expect(zh.reply.title).toBe('收入与 MRR');
    expect(zh.reply.fields?.[0]?.name).toMatch(/^净收入 · /);
    const charts = createVegaCharts();
    const chart = (title: string): Chart => ({ kind: 'bar', title, xTitle: '日期', yTitle: '金额', xType: 'category', valueFormat: 'number', rows: [{ x: '一', y: 1 }, { x: '二', y: 2 }] });
    // Two different Chinese titles: drawn as glyphs they differ; drawn as missing-glyph boxes they would not.
    const titleArea = { x: 0, y: 0, width: 300, height: 30 };
    const first = inked(await charts.png(chart('每日净收入')), titleArea);
    const second = inked(await charts.png(chart('课程完成率')), titleArea);
    expect(first.ink).toBeGreaterThan(150);
    expect(second.ink).toBeGreaterThan(150);
    expect(first.pixels.filter((pixel, index) => pixel !== second.pixels[index]).length).toBeGreaterThan(200);
  });

  it('exports a metric as CSV', async () => {
    const exported = await handleCommand(deps, creator(), 'stats', { action: 'export', metric: 'mrr', period: '6m' });
    const file = exported.reply.files?.[0];
    expect(file).toMatchObject({ mime: 'text/csv', name: 'mrr-2026-05-21-2026-11-20.csv' });
    const csv = new TextDecoder().decode((await deps.files.get(file!.sha256))!);
    const [header, ...rows] = csv.trim().split('\r\n');
    expect(header).toBe('month,currency,mrr_start,new,expansion,reactivation,contraction,churned,mrr_end');
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const dropoff = await handleCommand(deps, creator(), 'stats', { action: 'export', metric: 'dropoff', course: 'Course 1', period: '12m' });
    expect(dropoff.reply.files?.[0]?.name).toMatch(/^dropoff-/);
  });

  it('refuses bad periods, unknown courses and members, clearly', async () => {
    expect((await handleCommand(deps, creator(), 'stats', { action: 'revenue', period: '2026-06-01..2026-01-01' })).error).toEqual({ code: 'invalid_input', details: 'that period ends before it starts' });
    expect((await handleCommand(deps, creator(), 'stats', { action: 'revenue', period: 'yesterday-ish' })).error).toMatchObject({ code: 'invalid_input' });
    expect((await handleCommand(deps, creator(), 'stats', { action: 'course', course: 'Quantum Basket Weaving' })).error).toEqual({ code: 'course_not_found' });
    expect((await handleCommand(deps, creator(), 'stats', { action: 'export', metric: 'passwords' })).error).toMatchObject({ code: 'invalid_input' });
    expect((await handleCommand(deps, consoleCaller(spaceId, 'just-a-member'), 'stats', {})).error).toEqual({ code: 'forbidden', permission: 'stats.view' });
  });
});
