import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisRateLimiter } from '../../bots/rate-limiter.ts';
import { createTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import { accessGrants, platformIdentities, platformSpaces } from '../../core/db/schema/index.ts';
import { DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import { silentLog } from '../support/fakes.ts';
import { eventually } from '../support/queues.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import type { SimTgMessage } from '../sim/telegram/types.ts';
import { createWorld, type World } from './world.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextButton = (message: SimTgMessage) => (message.reply_markup?.inline_keyboard ?? []).flat().find((button) => button.text === 'Next ▶') as { callback_data: string } | undefined;
const botMessages = (messages: SimTgMessage[]) => messages.filter((message) => message.from?.is_bot);

/**
 * Rate limits through telegraf and the simulator, counted in the run's real Redis: what a member
 * hammering a button or a command, a stranger hammering /start and a raid of join requests cost
 * in platform calls. The community sets its own windows (`/settings rate_limits:`), short enough
 * for the test to see one end.
 */
describe('Rate limits on Telegram', () => {
  let world: World;
  let sim: TelegramSim;
  let bot: TelegramBot;
  let redis: Redis;
  let deps: CommandDeps;
  let groupId: number;
  let admin: number;
  let member: number;

  beforeAll(async () => {
    world = await createWorld();
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    deps = { ...world.deps, limits: createRedisRateLimiter(redis, `rl${process.pid}${Date.now()}`, silentLog) };
    sim = await startTelegramSim({ botUsername: 'lyceum_test_bot' });
    admin = sim.createUser({ firstName: 'Olivia', languageCode: 'en' }).id;
    member = sim.createUser({ firstName: 'Mia', languageCode: 'en' }).id;
    groupId = sim.createGroup({ title: 'Bootcamp Lounge', type: 'supergroup', creatorId: admin }).id;
    bot = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps, log: silentLog });
    await bot.start();
    await sim.user(admin).sendText(groupId, `/setup@lyceum_test_bot ${await world.linkCode()}`);
    await sim.waitForBotMessage(groupId);
    await world.sellTelegramChat(groupId);
    await sim.user(admin).startBot(DEMO_COMMUNITY_SLUG);
    await sim.waitForBotMessage(admin);
    await world.makeCreator('telegram', String(admin));
    await sim.user(admin).sendPrivate('/settings rate_limits:"buttons=5/8, commands=4/8, joins=20/60"');
    const settings = await eventually(async () => sim.privateChatMessages(admin).find((message) => message.text?.includes('Rate limits')));
    expect(settings.text).toContain('A member, per kind of button: 5 per 8 s');
    await sim.user(member).startBot(DEMO_COMMUNITY_SLUG);
    await sim.waitForBotMessage(member);
  });
  afterAll(async () => {
    await bot?.close();
    await sim?.close();
    await redis?.quit();
    await world?.database.drop();
  });

  it('runs a button pressed 100 times in a second at most 5 times, says "slow down" once, and takes presses again after the window', async () => {
    await sim.user(member).sendPrivate('/courses');
    const list = await eventually(async () => sim.privateChatMessages(member).find((message) => nextButton(message)));
    const edits = sim.callsTo('editMessageText').length;
    const answers = sim.callsTo('answerCallbackQuery').length;
    const presses = await Promise.all(Array.from({ length: 100 }, () => sim.user(member).pressButton(list, nextButton(list)!.callback_data)));
    // Updates of one chat are handled in order: once /help is answered, every press was handled.
    const before = botMessages(sim.privateChatMessages(member)).length;
    await sim.user(member).sendPrivate('/help');
    await eventually(async () => (botMessages(sim.privateChatMessages(member)).length > before ? true : undefined));
    const answered = () => sim.callsTo('answerCallbackQuery').slice(answers).map((call) => call.params as { callback_query_id: string; text?: string; show_alert?: boolean });
    const ofHammer = answered().filter((call) => presses.some((press) => press.id === call.callback_query_id));
    expect(sim.callsTo('editMessageText').length - edits).toBe(5);
    expect(ofHammer).toHaveLength(5 + 1);
    const slowDowns = ofHammer.filter((call) => call.text?.startsWith('Slow down a little'));
    expect(slowDowns).toHaveLength(1);
    expect(slowDowns[0]).toMatchObject({ show_alert: true });

    await sleep(8_100);
    const after = await sim.user(member).pressButton(list, nextButton(list)!.callback_data, { forge: true });
    await after.answered();
    expect(sim.callsTo('editMessageText').length - edits).toBe(6);
    expect(answered().find((call) => call.callback_query_id === after.id)?.text).toBeUndefined();
  });

  it('answers a command sent 30 times at most 4 times and one "slow down", while another command still works', async () => {
    const before = sim.privateChatMessages(member).length;
    for (let i = 0; i < 30; i++) await sim.user(member).sendPrivate('/my');
    await sim.user(member).sendPrivate('/help');
    await eventually(async () => (sim.privateChatMessages(member).slice(before).some((message) => message.text?.includes('/courses')) ? true : undefined));
    const replies = botMessages(sim.privateChatMessages(member).slice(before));
    expect(replies.filter((message) => message.text?.startsWith('Slow down a little'))).toHaveLength(1);
    expect(replies).toHaveLength(4 + 1 + 1);
  });

  it('lets a stranger /start six times a minute, then tells them once and goes quiet', async () => {
    const stranger = sim.createUser({ firstName: 'Sam', languageCode: 'zh-hans' }).id;
    for (let i = 0; i < 20; i++) await sim.user(stranger).startBot();
    await sim.user(stranger).sendPrivate('/help');
    await eventually(async () => (botMessages(sim.privateChatMessages(stranger)).length >= 8 ? true : undefined));
    await sleep(300);
    const replies = botMessages(sim.privateChatMessages(stranger));
    expect(replies.filter((message) => message.text?.startsWith('操作有点太频繁了'))).toHaveLength(1);
    expect(replies).toHaveLength(6 + 1 + 1);
  });

  it('declines a raid of 200 join requests at the chat\'s rate, leaves the rest pending, and still lets a paying member in', async () => {
    const raiders = Array.from({ length: 200 }, (_, i) => sim.createUser({ firstName: `Raider ${i}`, languageCode: 'en' }).id);
    const payer = sim.createUser({ firstName: 'Ana', languageCode: 'en' }).id;
    await sim.user(payer).startBot(DEMO_COMMUNITY_SLUG);
    await sim.waitForBotMessage(payer);
    await grantSeat(payer);
    for (const raider of raiders.slice(0, 100)) await sim.user(raider).requestToJoin(groupId);
    await sim.user(payer).requestToJoin(groupId);
    for (const raider of raiders.slice(100)) await sim.user(raider).requestToJoin(groupId);

    await eventually(async () => (sim.memberStatus(groupId, payer) === 'member' ? true : undefined));
    await eventually(async () => (sim.pendingJoinRequests(groupId).length === 180 ? true : undefined));
    await sleep(500);
    expect(sim.callsTo('declineChatJoinRequest')).toHaveLength(20);
    expect(sim.callsTo('approveChatJoinRequest')).toHaveLength(1);
    expect(sim.pendingJoinRequests(groupId)).toHaveLength(180);
    const told = raiders.filter((raider) => sim.privateChatMessages(raider).some((message) => message.text?.includes('paying members')));
    expect(told).toHaveLength(20);
  });

  async function grantSeat(userId: number) {
    const db = world.database.db;
    const [identity] = await db.select().from(platformIdentities).where(and(eq(platformIdentities.platform, 'telegram'), eq(platformIdentities.platformUserId, String(userId))));
    const [space] = await db.select().from(platformSpaces).where(eq(platformSpaces.externalId, String(groupId)));
    await db.insert(accessGrants).values({ communityId: world.communityId, memberId: identity!.memberId, spaceId: space!.id, resourceKind: 'telegram_chat', resourceId: String(groupId), desired: 'present', reason: 'test' });
  }
});
