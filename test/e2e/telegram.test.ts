import { serve, type ServerType } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot, WEBHOOK_PATH } from '../../bots/telegram/telegram-bot.ts';
import { platformSpaces, productGrants, products } from '../../core/db/schema/index.ts';
import { DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import { silentLog } from '../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { type SimTgMessage, startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import { createWorld, forgedCourseButton, type World } from './world.ts';

type Button = { text: string; callback_data?: string; url?: string };
const buttonsOf = (message: SimTgMessage): Button[] => (message.reply_markup?.inline_keyboard ?? []).flat();
const buttonData = (message: SimTgMessage, label: string) => {
  const data = buttonsOf(message).find((button) => button.text === label)?.callback_data;
  if (!data) throw new Error(`no button "${label}" in ${JSON.stringify(message.reply_markup)}`);
  return data;
};
const pageOf = (message: SimTgMessage) => /Page (\d+) of (\d+)/.exec(message.text ?? '')?.slice(1).map(Number);

describe('Telegram front door (telegraf against the simulator, polling)', () => {
  let world: World;
  let sim: TelegramSim;
  let bot: TelegramBot;
  let groupId: number;
  let unlinkedGroupId: number;
  let admin: number;
  let member: number;
  let chineseMember: number;
  let stranger: number;

  beforeAll(async () => {
    world = await createWorld();
    sim = await startTelegramSim({ botUsername: 'lyceum_test_bot' });
    admin = sim.createUser({ firstName: 'Olivia', languageCode: 'en' }).id;
    member = sim.createUser({ firstName: 'Mia', username: 'mia', languageCode: 'en' }).id;
    chineseMember = sim.createUser({ firstName: '李', languageCode: 'zh-hans' }).id;
    stranger = sim.createUser({ firstName: 'Sam', languageCode: 'en' }).id;
    const memberIds = [member, chineseMember, stranger];
    groupId = sim.createGroup({ title: 'Makers', type: 'supergroup', creatorId: admin, memberIds }).id;
    unlinkedGroupId = sim.createGroup({ title: 'Elsewhere', creatorId: admin, memberIds }).id;
    bot = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps: world.deps, log: silentLog });
    await bot.start();
    await sim.user(admin).startBot();
    for (const user of [member, chineseMember]) await sim.user(user).startBot(DEMO_COMMUNITY_SLUG);
  });
  afterAll(async () => {
    await bot?.close();
    await sim?.close();
    await world?.database.drop();
  });

  it('publishes its commands in English and Chinese, with /setup for group admins only', () => {
    const calls = sim.callsTo('setMyCommands').map((call) => call.params as { commands: Array<{ command: string }>; scope?: { type: string }; language_code?: string });
    const menu = (scope: string, language?: string) =>
      calls.find((call) => call.scope?.type === scope && call.language_code === language)?.commands.map((c) => c.command);
    expect(menu('default')).toEqual(['courses', 'course', 'recommend', 'lesson', 'rate', 'buy', 'my', 'cancel', 'link', 'notifications', 'live', 'privacy', 'help']);
    expect(menu('default', 'zh')).toEqual(['courses', 'course', 'recommend', 'lesson', 'rate', 'buy', 'my', 'cancel', 'link', 'notifications', 'live', 'privacy', 'help']);
    expect(menu('all_chat_administrators')).toEqual(['courses', 'course', 'recommend', 'lesson', 'rate', 'buy', 'my', 'cancel', 'link', 'notifications', 'live', 'privacy', 'help', 'product', 'sales', 'refund', 'access', 'grant', 'revoke', 'settings', 'tickets', 'claim', 'handback', 'close', 'faq', 'review', 'comment', 'drip', 'announce', 'coupon', 'stats', 'dashboard', 'audit', 'setup']);
  });

  it('says what to do next when added to a group, in the language of who added it', async () => {
    const newGroup = sim.createGroup({ title: 'New', creatorId: chineseMember, botRights: 'absent' }).id;
    await sim.user(chineseMember).addBot(newGroup);
    expect((await sim.waitForBotMessage(newGroup)).text).toMatch(/^你好，我是 Lyceum。管理员：发送 \/setup/);
  });

  it('refuses /setup from a member who is not a chat admin, and creates nothing', async () => {
    await sim.user(member).sendText(unlinkedGroupId, '/setup Hijack');
    const refusal = await sim.waitForBotMessage(unlinkedGroupId);
    expect(refusal.text).toBe('Only an admin of this server or group can set up Lyceum here.');
    expect(sim.callsTo('getChatMember').at(-1)?.params).toMatchObject({ chat_id: unlinkedGroupId, user_id: member });
    await sim.user(member).sendText(unlinkedGroupId, '/courses');
    expect((await sim.waitForBotMessage(unlinkedGroupId)).text).toContain('not linked to a Lyceum community yet');
  });

  it('lets the group creator link the group with a code', async () => {
    const code = await world.linkCode();
    await sim.user(admin).sendText(groupId, `/setup@lyceum_test_bot ${code}`);
    const confirmation = await sim.waitForBotMessage(groupId);
    expect(confirmation.text).toMatch(/^Lyceum is set up for Lyceum Demo Academy/);
    expect(confirmation.text).toContain('Makers (telegram)');
  });

  it('lets a group creator found a community; its link code goes to the private chat, never the group', async () => {
    await sim.user(admin).sendText(unlinkedGroupId, '/setup Makers Two');
    expect((await sim.waitForBotMessage(unlinkedGroupId)).text).toBe('Olivia, I sent it to you in a private message.');
    const founded = await sim.waitForBotMessage(admin);
    expect(founded.text).toMatch(/^Lyceum is set up for Makers Two/);
    const code = /\/setup ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(founded.text ?? '')?.[1];
    expect(code).toBeDefined();
    expect(sim.messages(unlinkedGroupId).map((message) => message.text).join('\n')).not.toContain(code);
  });

  it('opens a private chat about the community from a /start deep link', async () => {
    const user = sim.createUser({ firstName: 'Noor', languageCode: 'en' }).id;
    await sim.user(user).startBot(DEMO_COMMUNITY_SLUG);
    const welcome = await sim.waitForBotMessage(user);
    expect(welcome.text).toContain('Welcome to Lyceum Demo Academy!');
    await sim.user(user).sendPrivate('/courses');
    expect(pageOf(await sim.waitForBotMessage(user))).toEqual([1, expect.any(Number)]);
  });

  it('lists courses in the private chat and pages forward and back by editing the message', async () => {
    const botMessages = () => sim.privateChatMessages(member).filter((message) => message.fromBot).length;
    const before = botMessages();
    await sim.user(member).sendPrivate('/courses');
    const first = await sim.waitForBotMessage(member);
    const [, pages] = pageOf(first)!;
    expect(pages).toBeGreaterThan(1);
    const next = await sim.user(member).pressButton(first, buttonData(first, 'Next ▶'));
    const second = await sim.waitForEdit(member, first.message_id);
    expect(pageOf(second)).toEqual([2, pages]);
    expect(await next.answered()).toEqual({});
    await sim.user(member).pressButton(second, buttonData(second, '◀ Prev'));
    const back = await sim.waitForEdit(member, first.message_id);
    expect(back.text).toBe(first.text);
    expect(botMessages()).toBe(before + 1);
  });

  it('filters by category from the keyboard and from the command', async () => {
    await sim.user(member).sendPrivate('/courses');
    const list = await sim.waitForBotMessage(member);
    await sim.user(member).pressButton(list, buttonData(list, 'Data'));
    const data = await sim.waitForEdit(member, list.message_id);
    expect(data.text).toMatch(/^Courses in Data/);
    await sim.user(member).sendPrivate('/courses category:Data');
    expect((await sim.waitForBotMessage(member)).text).toBe(data.text);
  });

  it('searches in English and in Chinese, answering in the member’s language', async () => {
    await sim.user(member).sendPrivate('/courses pandas');
    expect((await sim.waitForBotMessage(member)).text).toContain('Data Analysis with Python and pandas');
    await sim.user(chineseMember).sendPrivate('/courses 机器学习');
    const chinese = await sim.waitForBotMessage(chineseMember);
    expect(chinese.text).toContain('机器学习实战');
    expect(chinese.text).toMatch(/第 1\/\d+ 页/);
  });

  it('keeps a long Chinese search usable although its buttons exceed 64 bytes of callback_data', async () => {
    const query = Array.from({ length: 6 }, () => '机器学习').join(' ');
    expect(Buffer.byteLength(`cp|1|Data|${query.replaceAll(' ', '+')}`)).toBeGreaterThan(64);
    await sim.user(chineseMember).sendPrivate(`/courses ${query}`);
    const list = await sim.waitForBotMessage(chineseMember);
    expect(list.text).toContain('机器学习实战');
    await sim.user(chineseMember).pressButton(list, buttonData(list, 'Data'));
    const filtered = await sim.waitForEdit(chineseMember, list.message_id);
    expect(filtered.text).toContain('机器学习实战');
    expect(buttonsOf(filtered).find((button) => button.text === '• Data')?.callback_data).toMatch(/^sp\|/);
  });

  it('opens a course by name and from the list', async () => {
    await sim.user(member).sendPrivate('/course python-data-analysis');
    expect((await sim.waitForBotMessage(member)).text).toMatch(/^Data Analysis with Python and pandas/);
    await sim.user(member).sendPrivate('/courses pandas');
    const list = await sim.waitForBotMessage(member);
    await sim.user(member).pressButton(list, buttonData(list, '1'));
    expect((await sim.waitForEdit(member, list.message_id)).text).toMatch(/^Data Analysis with Python and pandas/);
  });

  it('sends a listing asked for in the group to the private chat, or links to it', async () => {
    await sim.user(member).sendText(groupId, '/courses');
    expect((await sim.waitForBotMessage(groupId)).text).toBe('Mia, I sent it to you in a private message.');
    expect(pageOf(await sim.waitForBotMessage(member))?.[0]).toBe(1);

    await sim.user(stranger).sendText(groupId, '/courses');
    const invitation = await sim.waitForBotMessage(groupId);
    expect(invitation.text).toBe('Sam, open a private chat with me first, then try again.');
    expect(buttonsOf(invitation)).toEqual([
      { text: 'Open private chat', url: `https://t.me/lyceum_test_bot?start=${DEMO_COMMUNITY_SLUG}` },
    ]);
  });

  it('sends what a button on a group message opens to the presser privately, leaving the group message alone', async () => {
    await sim.user(member).sendText(groupId, '/course python-basics');
    const card = await sim.waitForBotMessage(groupId);
    expect(card.text).toMatch(/^Python for Absolute Beginners/);

    const press = await sim.user(chineseMember).pressButton(card, buttonData(card, '◀ All courses'));
    expect(await press.answered()).toEqual({ text: '李，我已私信发给你。' });
    expect((await sim.waitForBotMessage(chineseMember)).text).toMatch(/^课程/);
    expect(sim.messages(groupId).find((message) => message.message_id === card.message_id)?.text).toBe(card.text);

    const fromStranger = await sim.user(stranger).pressButton(card, buttonData(card, '◀ All courses'));
    expect(await fromStranger.answered()).toEqual({ url: `https://t.me/lyceum_test_bot?start=${DEMO_COMMUNITY_SLUG}` });
  });

  it('refuses a button forged to open another community’s course, with an alert and no edit', async () => {
    await sim.user(member).sendPrivate('/courses');
    const list = await sim.waitForBotMessage(member);
    const press = await sim.user(member).pressButton(list, forgedCourseButton(world.otherCourseId), { forge: true });
    expect(await press.answered()).toEqual({ text: 'That course is not in this community’s catalogue.', show_alert: true });
    expect(sim.privateChatMessages(member).find((message) => message.message_id === list.message_id)?.text).toBe(list.text);
  });

  it('warns at /setup that a basic group must become a supergroup, and follows its upgrade with its grants', async () => {
    const basic = sim.createGroup({ title: 'Old Chat', type: 'group', creatorId: admin, memberIds: [member] }).id;
    await sim.user(admin).sendText(basic, `/setup@lyceum_test_bot ${await world.linkCode()}`);
    const linked = await sim.waitForBotMessage(basic);
    expect(linked.text).toContain('Old Chat: a basic group. Telegram lets bots remove members only from supergroups');
    const db = world.database.db;
    const [space] = await db.select().from(platformSpaces).where(eq(platformSpaces.externalId, String(basic)));
    const [product] = await db.select().from(products).where(eq(products.slug, 'python-bootcamp'));
    await db.insert(productGrants).values({ communityId: world.communityId, productId: product!.id, kind: 'telegram_chat', spaceId: space!.id, resourceId: String(basic) });

    const upgraded = sim.migrateToSupergroup(basic);
    const moved = await eventually(async () => {
      const [row] = await db.select().from(platformSpaces).where(eq(platformSpaces.id, space!.id));
      return row?.externalId === String(upgraded.id) ? row : undefined;
    });
    expect(moved.kind).toBe('telegram_supergroup');
    const grants = await db.select().from(productGrants).where(eq(productGrants.spaceId, space!.id));
    expect(grants.map((grant) => grant.resourceId)).toEqual([String(upgraded.id)]);
  });

  it('retries a rate-limited send after retry_after, and the reply arrives once', async () => {
    sim.failNext({ method: 'sendMessage', errorCode: 429, retryAfter: 1 });
    const before = sim.callsTo('sendMessage').length;
    await sim.user(member).sendPrivate('/help');
    const help = await sim.waitForBotMessage(member);
    expect(help.text).toMatch(/^Lyceum help/);
    const sends = sim.callsTo('sendMessage').slice(before);
    expect(sends.map((call) => call.errorCode ?? 'ok')).toEqual([429, 'ok']);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(sim.privateChatMessages(member).filter((message) => message.text === help.text)).toHaveLength(1);
  });
});

describe('Telegram front door in webhook mode', () => {
  let world: World;
  let sim: TelegramSim;
  let bot: TelegramBot;
  let server: ServerType;
  let webhookUrl: string;
  let queues: TestQueues;
  const secret = 'e2e-webhook-secret-0123456789';

  beforeAll(async () => {
    world = await createWorld();
    sim = await startTelegramSim({ botUsername: 'lyceum_hook_bot' });
    const app = new Hono();
    const listening = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
    });
    server = listening;
    const address = server.address();
    webhookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${WEBHOOK_PATH}`;
    queues = createTestQueues();
    bot = createTelegramBot({
      token: sim.token,
      apiRoot: sim.apiRoot,
      deps: world.deps,
      log: silentLog,
      webhook: { url: webhookUrl, secret, queue: { redis: queues.redis, prefix: queues.prefix, lockMs: 5_000, concurrency: 8 } },
    });
    bot.mount(app);
    await bot.start();
  });
  afterAll(async () => {
    await bot?.close();
    await queues?.close();
    await new Promise((resolve) => server?.close(resolve));
    await sim?.close();
    await world?.database.drop();
  });

  it('registers the webhook with its secret and answers updates Telegram delivers', async () => {
    expect(sim.webhook).toMatchObject({ url: webhookUrl, secretToken: secret });
    const user = sim.createUser({ firstName: 'Noor', languageCode: 'en' }).id;
    await sim.user(user).startBot(DEMO_COMMUNITY_SLUG);
    expect((await sim.waitForBotMessage(user)).text).toContain('Welcome to Lyceum Demo Academy!');
    expect(sim.webhook.deliveries.at(-1)?.status).toBe(200);
  });

  it('drops updates with a wrong or missing secret token (403), and malformed ones (400)', async () => {
    const user = sim.createUser({ firstName: 'Eve', languageCode: 'en' });
    const update = {
      update_id: 999_001,
      message: { message_id: 1, date: 1, chat: { id: user.id, type: 'private' }, from: { id: user.id, is_bot: false, first_name: 'Eve' }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] },
    };
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong-secret-0123456789xx' }, update)).status).toBe(403);
    expect((await post({}, update)).status).toBe(403);
    expect((await post({ 'x-telegram-bot-api-secret-token': secret }, { update_id: 'x' })).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sim.callsTo('sendMessage').filter((call) => (call.params as { chat_id: number }).chat_id === user.id)).toEqual([]);
  });
});
