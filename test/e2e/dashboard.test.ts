import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { type Browser, chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountDashboard } from '../../bots/http/dashboard.ts';
import { type HttpServer, startHttpServer } from '../../bots/http/server.ts';
import { refreshRollups } from '../../core/analytics/rollups.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import { communities } from '../../core/db/schema/index.ts';
import { handleCommand } from '../../core/dispatch.ts';
import type { Caller } from '../../core/members/actor.ts';
import { generateHistory } from '../../core/seed/history.ts';
import { insertHistory } from '../../core/seed/insert-history.ts';
import { CONSOLE_SPACE_ID, consolePersonas } from '../../core/seed/seed-demo.ts';
import { commandDeps } from '../support/core-deps.ts';
import { silentLog } from '../support/fakes.ts';
import { createWorld, type World } from './world.ts';

/** Debian's Chromium, as the machine's notes say it runs here: headless, no sandbox (root), no background network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * The creator dashboard in a real headless Chromium: /dashboard gives a one-time link that signs
 * in; the page shows the same numbers as /stats with charts that render and CSV exports; the
 * link fails a second time and after it expires; another community's id is a 404; a forged
 * cookie, an expired session and a revoked one are signed out.
 */
describe('creator dashboard in Chromium', () => {
  let world: World;
  let deps: CommandDeps;
  let http: HttpServer;
  let browser: Browser;
  let otherCommunityId: string;
  const creator: Caller = { platform: 'console', userId: consolePersonas.creator.userId, displayName: 'Chen', locale: 'en', spaceId: CONSOLE_SPACE_ID };

  beforeAll(async () => {
    world = await createWorld();
    await insertHistory(world.database.db, world.communityId, generateHistory({ seed: 5, members: 400, now: world.clock.now() }));
    await refreshRollups(world.database.db);
    const web = { baseUrl: '' };
    deps = { ...commandDeps(world.database.db, { clock: world.clock }), web };
    http = await startHttpServer({ host: '127.0.0.1', port: 0, log: silentLog, registry: new Registry(), checks: [], mount: (app) => mountDashboard(app, { ...deps, log: silentLog }, { secureCookie: false }) });
    web.baseUrl = http.url;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    [{ id: otherCommunityId }] = (await world.database.db.select({ id: communities.id }).from(communities).where(eq(communities.name, 'Other Academy'))) as [{ id: string }];
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await world?.database.drop();
  });

  const newLink = async () => {
    const outcome = await handleCommand(deps, creator, 'dashboard', {});
    expect(outcome.error).toBeUndefined();
    expect(outcome.reply.confidential).toBe(true);
    const url = /(http:\/\/\S+\/dashboard\/login\?token=\S+)/.exec(outcome.reply.body ?? '')?.[1];
    if (!url) throw new Error(`no link in: ${outcome.reply.body}`);
    return url;
  };

  it('signs in with the link and shows the numbers of /stats, charts that render, and CSV exports', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(await newLink());
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/dashboard/${world.communityId}`);
    expect(await page.locator('h2').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Community at a glance'), expect.stringContaining('Revenue and MRR'), expect.stringContaining('Members and retention')]));

    const stats = await handleCommand(deps, creator, 'stats', {});
    const overview = page.locator('section').first();
    const rows = await overview.locator('tr').evaluateAll((trs) => trs.map((tr) => ({ name: tr.querySelector('th')!.textContent, value: tr.querySelector('td')!.textContent })));
    expect(rows).toEqual(stats.reply.fields!.map((field) => ({ name: field.name, value: field.value })));

    const charts = await page.locator('img.chart').evaluateAll((images) => images.map((image) => (image as unknown as { naturalWidth: number }).naturalWidth));
    expect(charts.length).toBeGreaterThanOrEqual(4);
    expect(charts.every((width) => width > 300)).toBe(true);
    const shot = PNG.sync.read(await page.locator('img.chart').first().screenshot());
    let ink = 0;
    for (let offset = 0; offset < shot.data.length; offset += 4) if (shot.data[offset]! < 200) ink += 1;
    expect(ink).toBeGreaterThan(2_000);

    const csvHref = await overview.locator('a.csv').getAttribute('href');
    const csv = await context.request.get(new URL(csvHref!, http.url).toString());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[0]).toBe('day,currency,charges,gross,refunds,net');

    // The session is for this community only, whatever the URL says.
    expect((await page.goto(`${http.url}/dashboard/${otherCommunityId}`))?.status()).toBe(404);
    expect((await page.goto(`${http.url}/dashboard/${randomUUID()}`))?.status()).toBe(404);
    expect((await context.request.get(`${http.url}/dashboard/${otherCommunityId}/export/revenue`)).status()).toBe(404);
    await context.close();
  });

  it('refuses the link a second time and after it expires, and a forged cookie', async () => {
    const link = await newLink();
    const first = await browser.newContext();
    expect((await (await first.newPage()).goto(link))?.status()).toBe(200);
    const second = await browser.newContext();
    const again = await second.newPage();
    expect((await again.goto(link))?.status()).toBe(410);
    expect(await again.locator('p').innerText()).toContain('already used');

    const late = await newLink();
    world.clock.advance(11 * 60_000);
    expect((await again.goto(late))?.status()).toBe(410);
    expect(await again.locator('p').innerText()).toContain('expired');

    const forged = await browser.newContext();
    await forged.addCookies([{ name: 'lyceum_dashboard', value: randomBytes(32).toString('base64url'), url: http.url }]);
    expect((await (await forged.newPage()).goto(`${http.url}/dashboard/${world.communityId}`))?.status()).toBe(401);
    await Promise.all([first.close(), second.close(), forged.close()]);
  });

  it('ends sessions when they expire and when the creator revokes them', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(await newLink());
    expect((await page.reload())?.status()).toBe(200);
    const revoked = await handleCommand(deps, creator, 'dashboard', { action: 'revoke' });
    expect(revoked.reply.body).toMatch(/^Signed out of [1-9]\d* dashboard session/);
    expect((await page.reload())?.status()).toBe(401);

    await page.goto(await newLink());
    world.clock.advance(9 * 3_600_000);
    expect((await page.reload())?.status()).toBe(401);
    await context.close();

    const member: Caller = { ...creator, userId: consolePersonas.member.userId, displayName: 'Mia' };
    expect((await handleCommand(deps, member, 'dashboard', {})).error).toEqual({ code: 'forbidden', permission: 'stats.view' });
  });
});
