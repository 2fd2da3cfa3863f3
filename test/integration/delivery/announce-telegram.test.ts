import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramDeliveryGateway } from '../../../bots/telegram/delivery-gateway.ts';
import { createTelegramBot, type TelegramBot } from '../../../bots/telegram/telegram-bot.ts';
import { announcements, deliveries, unreachableTargets } from '../../../core/db/schema/index.ts';
import { platformLimits } from '../../../core/delivery/platform-limits.ts';
import { startWorkers, type WorkerRuntime } from '../../../workers/runner.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import type { SimTgMessage } from '../../sim/telegram/types.ts';
import { createAnnounceWorld } from '../../support/announce-world.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';
import { expectRetryAfterObeyed } from '../../support/telegram-pacing.ts';

const button = (message: SimTgMessage, label: RegExp): string => {
  const found = message.reply_markup?.inline_keyboard.flat().find((candidate) => label.test(candidate.text));
  if (!found || !('callback_data' in found)) throw new Error(`no button ${label} in ${JSON.stringify(message.reply_markup)}`);
  return found.callback_data as string;
};

/**
 * Announcements on Telegram, end to end in one process: the real telegraf bot takes `/announce`
 * and the Confirm press, real BullMQ workers send through the simulator enforcing Telegram's
 * flood limits, and the creator's confirmation message is edited in place with the progress.
 */
describe('announcements on Telegram', () => {
  let database: TestDatabase;
  let sim: TelegramSim;
  let queues: TestQueues;
  let bot: TelegramBot;
  let runtime: WorkerRuntime;
  let world: Awaited<ReturnType<typeof createAnnounceWorld>>;
  let creator: number;
  const blocked = new Set<string>();

  const say = async (user: number, text: string, expected: RegExp) => {
    await sim.user(user).sendPrivate(text);
    return sim.waitForBotMessage(user, { predicate: (message) => expected.test(message.text ?? ''), timeoutMs: 5_000 });
  };
  /** Presses a button; returns the pressed message once the bot edited it to match. */
  const press = async (user: number, message: SimTgMessage, label: RegExp, expected: RegExp) => {
    await sim.user(user).pressButton(message, button(message, label));
    return eventually(async () => sim.privateChatMessages(user).find((next) => next.message_id === message.message_id && expected.test(next.text ?? '')));
  };
  const sendsTo = (userId: string, since = 0) => sim.calls.filter((call) => call.ok && call.at >= since && call.method === 'sendMessage' && String((call.params as { chat_id: unknown }).chat_id) === userId);
  const statusOf = async (id: string) => (await database.db.select({ status: announcements.status }).from(announcements).where(eq(announcements.id, id)))[0]?.status;
  const latest = async () => (await database.db.select().from(announcements).where(eq(announcements.communityId, world.communityId)).orderBy(sql`${announcements.createdAt} desc`).limit(1))[0]!;

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startTelegramSim({ botUsername: 'lyceum_announce_bot', floodLimits: true });
    queues = createTestQueues();
    creator = sim.createUser({ firstName: 'Chloe', languageCode: 'en', startedBot: true }).id;
    world = await createAnnounceWorld(database.db, {
      platform: 'telegram',
      count: 60,
      creatorUserId: String(creator),
      userIdOf: (index) => String(sim.createUser({ firstName: `M${index}`, startedBot: true }).id),
    });
    for (const member of world.audience.slice(0, 3)) {
      sim.user(Number(member.userId)).blockBot();
      blocked.add(member.userId);
    }
    const deps = { ...commandDeps(database.db, { queue: queues.queue }), log: silentLog, delivery: { telegram: createTelegramDeliveryGateway({ token: sim.token, apiRoot: sim.apiRoot }) } };
    bot = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps, log: silentLog });
    await bot.start();
    runtime = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 4, log: silentLog, schedulers: false });
  });
  afterAll(async () => {
    await runtime?.close(5_000);
    await bot?.close();
    await queues?.close();
    await sim?.close();
    await database?.drop();
  });

  it('previews, sends once to every reachable member at Telegram’s pace, and edits the progress into the confirmation', async () => {
    const preview = await say(creator, '/announce Week 3 is **live**:\n- a new lesson\n- office hours on Friday', /Week 3 is live/);
    expect(preview.text).toMatch(/60 Telegram private messages/);
    expect(preview.text).toMatch(/Nothing is sent until you confirm/);
    expect(sim.calls.filter((call) => call.method === 'sendMessage' && call.ok && isAudience(String((call.params as { chat_id: unknown }).chat_id)))).toHaveLength(0);

    const started = await press(creator, preview, /Confirm/, /Sending|Scheduled|Sent/);
    expect(started.text).toMatch(/Starting now/);
    const announcement = await latest();
    await eventually(async () => ((await statusOf(announcement.id)) === 'sent' ? true : undefined), 30_000);

    for (const member of world.audience) expect(sendsTo(member.userId)).toHaveLength(blocked.has(member.userId) ? 0 : 1);
    const dm = sendsTo(world.audience[5]!.userId)[0]!.params as { text: string; reply_markup: unknown };
    expect(dm.text).toContain('<b>live</b>');
    expect(JSON.stringify(dm.reply_markup)).toContain('Stop these messages');
    expect(sendsTo(String(creator)).length).toBeLessThanOrEqual(1);
    const rate = sim.sendRate();
    expectRetryAfterObeyed(sim, new Set(world.audience.map((member) => member.userId)));
    expect(rate.maxPerSecondOverall).toBeLessThanOrEqual(platformLimits.telegram.platformPerSecond);
    expect(rate.maxPerSecondInOneChat).toBeLessThanOrEqual(1);

    const failed = await database.db.select().from(deliveries).where(and(eq(deliveries.announcementId, announcement.id), eq(deliveries.status, 'failed')));
    expect(failed.map((row) => row.targetId).sort()).toEqual([...blocked].sort());
    expect(await database.db.select().from(unreachableTargets)).toHaveLength(3);
    const final = await eventually(async () => sim.privateChatMessages(creator).find((message) => message.message_id === preview.message_id && /Sent:/.test(message.text ?? '')));
    expect(final.text).toMatch(/Sent\n57/);
    expect(final.text).toMatch(/Unreachable\n3/);
    expect(final.text).toMatch(/Remaining\n0/);
  }, 60_000);

  it('pauses within a second, resumes where it stopped, and cancels the rest as skipped', async () => {
    const since = Date.now();
    const preview = await say(creator, '/announce A second note', /A second note/);
    await press(creator, preview, /Confirm/, /Starting now/);
    const announcement = await latest();
    const memberSends = (from: number) => world.audience.flatMap((member) => sendsTo(member.userId, from));
    const current = () => sim.privateChatMessages(creator).find((message) => message.message_id === preview.message_id)!;
    await eventually(async () => (memberSends(since).length >= 10 ? true : undefined), 10_000);

    await press(creator, current(), /^Pause$/, /Paused:/);
    const pausedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(memberSends(pausedAt + 1_000)).toHaveLength(0);
    expect(await statusOf(announcement.id)).toBe('paused');
    const beforeResume = memberSends(since).length;

    await press(creator, current(), /^Resume$/, /Sending:/);
    await eventually(async () => (memberSends(since).length >= beforeResume + 10 ? true : undefined), 10_000);
    await press(creator, current(), /Cancel the rest/, /Canceled:/);
    const canceledAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(memberSends(canceledAt + 1_000)).toHaveLength(0);
    expect(await statusOf(announcement.id)).toBe('canceled');

    for (const member of world.audience) expect(sendsTo(member.userId, since).length).toBeLessThanOrEqual(1);
    const rows = await database.db.select({ status: deliveries.status, lastError: deliveries.lastError }).from(deliveries).where(eq(deliveries.announcementId, announcement.id));
    expect(rows).toHaveLength(60);
    expect(rows.filter((row) => row.status === 'pending')).toHaveLength(0);
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(memberSends(since).length);
    expect(rows.filter((row) => row.lastError === 'canceled').length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.lastError?.startsWith('unreachable'))).toHaveLength(3);
  }, 60_000);

  it('skips members who turned announcements off, by command or by the one-press button', async () => {
    const [byCommand, byButton] = world.audience.slice(10, 12).map((member) => Number(member.userId));
    await say(byCommand!, '/notifications announcements off', /Saved/);
    const received = sim.privateChatMessages(byButton!).find((message) => /Week 3/.test(message.text ?? ''))!;
    await sim.user(byButton!).pressButton(received, button(received, /Stop these messages/));
    await sim.waitForBotMessage(byButton!, { predicate: (message) => /no more Announcements/.test(message.text ?? ''), timeoutMs: 5_000 });

    const since = Date.now();
    const preview = await say(creator, '/announce A third note', /A third note/);
    await press(creator, preview, /Confirm/, /Starting now/);
    const announcement = await latest();
    await eventually(async () => ((await statusOf(announcement.id)) === 'sent' ? true : undefined), 20_000);
    expect(sendsTo(String(byCommand), since)).toHaveLength(0);
    expect(sendsTo(String(byButton), since).filter((call) => /third/.test(JSON.stringify(call.params)))).toHaveLength(0);
    expect(sendsTo(world.audience[20]!.userId, since)).toHaveLength(1);
    const final = await eventually(async () => sim.privateChatMessages(creator).find((message) => message.message_id === preview.message_id && /Sent:/.test(message.text ?? '')));
    expect(final.text).toMatch(/Skipped\n5 \(2 turned off\)/);
  }, 40_000);

  it('refuses what cannot be sent, with the reason, and queues a second announcement behind a running one', async () => {
    const member = Number(world.audience[30]!.userId);
    expect((await say(creator, `/announce ${'x'.repeat(4_050)}`, /characters/)).text).toMatch(/4050 characters; an announcement holds at most 4000/);
    expect((await say(creator, '/announce at:"2020-01-01 10:00" Hello', /passed/)).text).toMatch(/already passed \(UTC\)/);
    expect((await say(creator, '/announce audience:grace Hello', /no one/)).text).toMatch(/no one is in that audience/);
    expect((await say(member, '/announce pause', /permission/)).text).toMatch(/You do not have permission/);
    expect((await say(creator, '/announce resume #ffffffff', /No such announcement/)).text).toMatch(/announce status/);

    // The first one is held (paused) while the second is confirmed, so it is surely still going out.
    const first = await say(creator, '/announce Fourth: part one', /part one/);
    const sending = await press(creator, first, /Confirm/, /Starting now/);
    await press(creator, sending, /^Pause$/, /Paused:/);
    const second = await say(creator, '/announce Fourth: part two', /part two/);
    const queued = await press(creator, second, /Confirm/, /still going out/);
    expect(queued.text).toMatch(/starts right after it/);
    await press(creator, sim.privateChatMessages(creator).find((message) => message.message_id === first.message_id)!, /^Resume$/, /Sending:|Scheduled:/);
    const [two, one] = await database.db.select().from(announcements).where(eq(announcements.communityId, world.communityId)).orderBy(sql`${announcements.createdAt} desc`).limit(2);
    await eventually(async () => ((await statusOf(two!.id)) === 'sent' ? true : undefined), 30_000);
    const [a, b] = await Promise.all([one!, two!].map(async (row) => (await database.db.select().from(announcements).where(eq(announcements.id, row.id)))[0]!));
    expect(b!.startedAt!.getTime()).toBeGreaterThanOrEqual(a!.finishedAt!.getTime());
    const parts = sendsTo(world.audience[40]!.userId).map((call) => (call.params as { text: string }).text).filter((text) => text.includes('Fourth'));
    expect(parts).toEqual([expect.stringContaining('part one'), expect.stringContaining('part two')]);
  }, 60_000);

  function isAudience(chatId: string) {
    return world.audience.some((member) => member.userId === chatId);
  }
});
