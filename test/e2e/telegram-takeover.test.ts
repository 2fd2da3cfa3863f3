import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import { createTelegramSupportGateway } from '../../bots/telegram/support-gateway.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import { supportConversations, supportTickets } from '../../core/db/schema/index.ts';
import { DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import { defaultClassifier } from '../../core/support/intents/default-classifier.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runner.ts';
import { silentLog } from '../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import type { SimTgMessage } from '../sim/telegram/types.ts';
import { createWorld, type World } from './world.ts';

const buttonData = (message: SimTgMessage, label: string) => {
  const button = message.reply_markup?.inline_keyboard.flat().find((candidate) => candidate.text === label);
  if (!button || !('callback_data' in button)) throw new Error(`no button ${label}`);
  return button.callback_data as string;
};

/**
 * The human takeover on Telegram: a member asks for a person in the private chat, the ticket
 * opens as a forum topic in the staff supergroup, staff claim it with its button and talk both
 * ways through the support worker, messages sent while the workers are down arrive afterwards
 * in order and once, /handback gives the member back to the assistant, /close asks for a rating.
 */
describe('Telegram human takeover', () => {
  let world: World;
  let sim: TelegramSim;
  let bot: TelegramBot;
  let queues: TestQueues;
  let workers: WorkerRuntime;
  let deps: CommandDeps;
  let staffGroup: number;
  let olivia: number;
  let mia: number;
  let topic: number;

  const startSupportWorkers = () => startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 2, log: silentLog, schedulers: false });
  const topicTexts = () => sim.topicMessages(staffGroup, topic).filter((message) => message.fromBot).map((message) => message.text ?? '');
  const privateFromBot = () => sim.privateChatMessages(mia).filter((message) => message.fromBot);
  const nextPrivate = (predicate: (text: string) => boolean) => sim.waitForBotMessage(mia, { predicate: (message) => predicate(message.text ?? ''), timeoutMs: 10_000 });

  beforeAll(async () => {
    world = await createWorld();
    sim = await startTelegramSim({ botUsername: 'lyceum_test_bot' });
    olivia = sim.createUser({ firstName: 'Olivia', languageCode: 'en' }).id;
    mia = sim.createUser({ firstName: 'Mia', languageCode: 'zh' }).id;
    staffGroup = sim.createGroup({ title: 'Staff room', type: 'supergroup', isForum: true, creatorId: olivia }).id;
    queues = createTestQueues();
    const telegram = createTelegramSupportGateway({ token: sim.token, apiRoot: sim.apiRoot, log: silentLog });
    deps = { ...world.deps, queue: queues.queue, support: { classifier: defaultClassifier(), gateways: { telegram } } };
    workers = await startSupportWorkers();
    bot = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps, log: silentLog });
    await bot.start();
    // The staff group is linked to the community, and Olivia, its creator there, sets it as the place for tickets.
    await sim.user(olivia).sendText(staffGroup, `/setup@lyceum_test_bot ${await world.linkCode()}`);
    await sim.waitForBotMessage(staffGroup);
    await world.makeCreator('telegram', String(olivia));
    await sim.user(olivia).sendText(staffGroup, '/settings support_chat:here');
    expect((await sim.waitForBotMessage(staffGroup)).text).toMatch(new RegExp(`Telegram: a topic per ticket in group ${staffGroup}`));
    await sim.user(mia).startBot(DEMO_COMMUNITY_SLUG);
    await sim.waitForBotMessage(mia);
  });
  afterAll(async () => {
    await bot?.close();
    await workers?.close(5_000);
    await queues?.close();
    await sim?.close();
    await world?.database.drop();
  });

  it('opens a topic with the summary when a member asks for a person, in Chinese', async () => {
    await sim.user(mia).sendPrivate('我要找人工客服');
    expect((await nextPrivate((text) => text.includes('工单'))).text).toMatch(/^我已把你的问题转给团队（工单 #[0-9a-f]{8}）/);
    const [created] = await eventually(async () => (sim.topics(staffGroup).length ? sim.topics(staffGroup) : undefined));
    topic = created!.message_thread_id;
    expect(created!.name).toMatch(/^#[0-9a-f]{8} · Mia · human_agent$/);
    const summary = await eventually(async () => sim.topicMessages(staffGroup, topic).find((message) => message.fromBot && message.text?.startsWith('ticket #')));
    expect(summary.text).toContain('> 我要找人工客服');
    expect(summary.text).toContain('entitlements: none');

    await (await sim.user(olivia).pressButton(summary, buttonData(summary, 'Claim'))).answered();
    expect((await nextPrivate((text) => text.includes('Olivia'))).text).toBe('团队的 Olivia 来了，会在这个聊天里回复你。');
  });

  it('relays both ways while staff hold it; the assistant stays quiet', async () => {
    const before = privateFromBot().length;
    await sim.user(mia).sendPrivate('你好，在吗？');
    await eventually(async () => (topicTexts().includes('Mia: 你好，在吗？') ? true : undefined));
    await sim.user(olivia).sendTopicMessage(staffGroup, topic, 'Hi Mia, I am here. What happened?');
    expect((await nextPrivate((text) => text.includes('I am here'))).text).toBe('Olivia（团队）：Hi Mia, I am here. What happened?');
    expect(privateFromBot()).toHaveLength(before + 1);
  });

  it('delivers what the member sent while the workers were down once each, in order, after restart', async () => {
    await workers.close(5_000);
    for (const text of ['第一条', '第二条', '第三条']) await sim.user(mia).sendPrivate(text);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(topicTexts().filter((text) => text.includes('条'))).toEqual([]);
    workers = await startSupportWorkers();
    await eventually(async () => (topicTexts().filter((text) => text.includes('条')).length === 3 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(topicTexts().filter((text) => text.includes('条'))).toEqual(['Mia: 第一条', 'Mia: 第二条', 'Mia: 第三条']);
  });

  it('hands back to the assistant, then closes with a resolution and a rating', async () => {
    await sim.user(olivia).sendTopicMessage(staffGroup, topic, '/handback');
    expect((await nextPrivate((text) => text.includes('交回'))).text).toMatch(/^团队把你交回给我（助手）了/);
    await sim.user(mia).sendPrivate('有哪些课程？');
    expect((await nextPrivate((text) => text.startsWith('课程'))).text).toMatch(/^课程/);

    await sim.user(olivia).sendTopicMessage(staffGroup, topic, '/close resolution:"helped Mia pick a course"');
    const rating = await nextPrivate((text) => text.includes('评分'));
    expect(rating.text).toBe('你的工单已关闭：helped Mia pick a course。我们做得怎么样？请点一个评分。');
    await (await sim.user(mia).pressButton(rating, buttonData(rating, '★★★★'))).answered();
    const db = world.database.db;
    const [ticket] = await db.select().from(supportTickets);
    expect(ticket).toMatchObject({ status: 'closed', resolution: 'helped Mia pick a course' });
    expect(ticket!.transcript).toContain('Olivia (staff): Hi Mia, I am here. What happened?');
    const [conversation] = await db.select().from(supportConversations).where(eq(supportConversations.id, ticket!.conversationId));
    expect(conversation).toMatchObject({ status: 'closed', csatScore: 4, handoffPlatform: 'telegram', handoffThreadId: String(topic) });
    await eventually(async () => (topicTexts().some((text) => text.startsWith('Closed by Olivia: helped Mia pick a course')) ? true : undefined));
  });
});
