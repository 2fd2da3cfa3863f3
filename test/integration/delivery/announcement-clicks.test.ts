import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountAnnouncementLinks } from '../../../bots/http/announcement-links.ts';
import { type HttpServer, startHttpServer } from '../../../bots/http/server.ts';
import { createTelegramDeliveryGateway } from '../../../bots/telegram/delivery-gateway.ts';
import { createTelegramBot, type TelegramBot } from '../../../bots/telegram/telegram-bot.ts';
import { parsePeriod } from '../../../core/analytics/period.ts';
import { announcementReach } from '../../../core/analytics/reach.ts';
import { announcements, behaviourEvents, deliveries } from '../../../core/db/schema/index.ts';
import { startWorkers, type WorkerRuntime } from '../../../workers/runner.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import type { SimTgMessage } from '../../sim/telegram/types.ts';
import { createAnnounceWorld } from '../../support/announce-world.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';

/**
 * Clicks as part of an announcement's reach: the links of a delivered announcement go through
 * Lyceum's redirect (`/l/<delivery>/<n>`), which counts the click for that recipient and sends
 * the browser on to the creator's URL; forged or unknown links are a 404 that writes nothing.
 */
describe('announcement clicks', () => {
  let database: TestDatabase;
  let sim: TelegramSim;
  let queues: TestQueues;
  let bot: TelegramBot;
  let runtime: WorkerRuntime;
  let http: HttpServer;
  let world: Awaited<ReturnType<typeof createAnnounceWorld>>;
  let creator: number;

  const open = (path: string) => fetch(`${http.url}${path}`, { redirect: 'manual' });
  /** The addresses behind a message's links, as Telegram holds them (text_link entities). */
  const linksIn = (message: SimTgMessage) => (message.entities ?? []).flatMap((entity) => (entity.type === 'text_link' && typeof entity.url === 'string' ? [entity.url] : []));
  const clicks = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(behaviourEvents).where(eq(behaviourEvents.kind, 'announcement_click')))[0]!.n;

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startTelegramSim({ botUsername: 'lyceum_clicks_bot' });
    queues = createTestQueues();
    creator = sim.createUser({ firstName: 'Chloe', languageCode: 'en', startedBot: true }).id;
    world = await createAnnounceWorld(database.db, { platform: 'telegram', count: 3, creatorUserId: String(creator), userIdOf: (index) => String(sim.createUser({ firstName: `M${index}`, startedBot: true }).id) });
    const web = { baseUrl: '', linksReachable: true };
    const deps = { ...commandDeps(database.db, { queue: queues.queue }), log: silentLog, web, delivery: { telegram: createTelegramDeliveryGateway({ token: sim.token, apiRoot: sim.apiRoot }) } };
    http = await startHttpServer({ host: '127.0.0.1', port: 0, log: silentLog, registry: new Registry(), checks: [], mount: (app) => mountAnnouncementLinks(app, deps) });
    web.baseUrl = http.url;
    bot = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps, log: silentLog });
    await bot.start();
    runtime = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 4, log: silentLog, schedulers: false });
  });
  afterAll(async () => {
    await runtime?.close(5_000);
    await bot?.close();
    await http?.close();
    await queues?.close();
    await sim?.close();
    await database?.drop();
  });

  it('counts a recipient’s click once in clicked and every open in link opens, and sends them on', async () => {
    await sim.user(creator).sendPrivate('/announce Read [the guide](https://example.com/guide?a=1) and **[the FAQ](https://example.com/faq)**.');
    const preview = await sim.waitForBotMessage(creator, { predicate: (message) => /Confirm/.test(JSON.stringify(message.reply_markup ?? {})), timeoutMs: 5_000 });
    const confirm = preview.reply_markup?.inline_keyboard.flat().find((button) => /Confirm/.test(button.text)) as unknown as { callback_data: string };
    await sim.user(creator).pressButton(preview, confirm.callback_data);
    const [announcement] = await eventually(async () => {
      const rows = await database.db.select().from(announcements).where(eq(announcements.communityId, world.communityId));
      return rows[0]?.status === 'sent' ? rows : undefined;
    }, 20_000);

    const dms = world.audience.map((member) => sim.privateChatMessages(Number(member.userId)).find((message: SimTgMessage) => /Read/.test(message.text ?? ''))!);
    const [guide, faq] = linksIn(dms[0]!);
    const [rowOfFirst] = await database.db.select().from(deliveries).where(eq(deliveries.targetId, world.audience[0]!.userId));
    expect(guide).toBe(`${http.url}/l/${rowOfFirst!.id}/0`);
    expect(faq).toBe(`${http.url}/l/${rowOfFirst!.id}/1`);
    // Each recipient's links are their own.
    expect(linksIn(dms[1]!)[0]).not.toBe(guide);

    const first = await open(new URL(guide!).pathname);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('https://example.com/guide?a=1');
    expect((await open(new URL(guide!).pathname)).status).toBe(302);
    expect((await open(new URL(faq!).pathname)).headers.get('location')).toBe('https://example.com/faq');
    expect((await open(new URL(linksIn(dms[1]!)[1]!).pathname)).status).toBe(302);

    const period = parsePeriod('7d', 'UTC', new Date());
    if ('error' in period) throw new Error(period.error);
    const [reach] = await announcementReach(database.db, world.communityId, period.period);
    expect(reach).toMatchObject({ announcementId: announcement!.id, recipients: 3, delivered: 3, clicked: 2, linkOpens: 4 });
  });

  it('answers a forged, unknown or out-of-range link with a 404 and writes nothing', async () => {
    const before = await clicks();
    const [row] = await database.db.select().from(deliveries).limit(1);
    const [other] = await database.db
      .insert(deliveries)
      .values({ communityId: world.communityId, kind: 'direct', dedupeKey: 'not-an-announcement', memberId: world.audience[0]!.memberId, platform: 'telegram', targetKind: 'dm', targetId: world.audience[0]!.userId, payload: { body: 'a receipt' } })
      .returning();
    for (const path of [`/l/${row!.id}/2`, `/l/${row!.id}/-1`, `/l/${row!.id}/x`, `/l/${randomUUID()}/0`, '/l/not-a-uuid/0', `/l/${other!.id}/0`, `/l/${row!.id}/0/extra`]) {
      const response = await open(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('location')).toBeNull();
    }
    expect(await clicks()).toBe(before);
  });
});
