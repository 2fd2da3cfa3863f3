import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAccessGateway } from '../../bots/discord/access-gateway.ts';
import { type DiscordBot, startDiscordBot } from '../../bots/discord/discord-bot.ts';
import { createTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import { handleCommand } from '../../core/dispatch.ts';
import { CONSOLE_SPACE_ID, consolePersonas, DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runner.ts';
import { commandDeps } from '../support/core-deps.ts';
import { silentLog } from '../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { type DiscordSim, startDiscordSim } from '../sim/discord/index.ts';
import type { SimMessage } from '../sim/discord/types.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import { createWorld, type World } from './world.ts';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const embedText = (message: SimMessage) => [message.content, ...message.embeds.flatMap((embed) => [embed.title, embed.description, ...(embed.fields ?? []).map((field: { name: string; value: string }) => `${field.name}: ${field.value}`), embed.footer?.text])].filter(Boolean).join('\n');
const callbackData = (button: unknown) => (button as { callback_data: string }).callback_data;
const buttonId = (message: SimMessage, label: RegExp): string => {
  const button = message.components.flatMap((row) => row.components).find((component: { label?: string }) => component.label && label.test(component.label));
  if (!button) throw new Error(`no button ${label} on: ${message.components.flatMap((row) => row.components).map((c: { label?: string }) => c.label).join(', ')}`);
  return button.custom_id;
};

/**
 * The course studio on Discord through discord.js and the simulator, with the workers: a creator
 * authors a course of three lessons with a PDF in modals and attachment options, checks block an
 * empty lesson, a reviewer asks for changes and then approves; a member who owns it opens
 * lesson 1 and gets the PDF, marks it done; a member who does not sees locks and Buy. Nothing
 * anyone typed pings anyone. A comment written on Telegram shows on Discord, and hiding it there
 * removes it on both.
 */
describe('course studio on Discord', () => {
  let world: World;
  let sim: DiscordSim;
  let telegram: TelegramSim;
  let bot: DiscordBot;
  let telegramBot: TelegramBot;
  let queues: TestQueues;
  let workers: WorkerRuntime;
  let guildId: string;
  const people = { creator: '', reviewer: '', buyer: '', visitor: '' };
  let courseSlug = '';
  let deps: ReturnType<typeof commandDeps>;

  beforeAll(async () => {
    world = await createWorld();
    queues = createTestQueues();
    sim = await startDiscordSim();
    telegram = await startTelegramSim({ botUsername: 'lyceum_studio_bot' });
    for (const name of Object.keys(people) as Array<keyof typeof people>) people[name] = sim.createUser({ username: name }).id;
    guildId = sim.createGuild({ name: 'Academy', ownerId: people.creator }).id;
    for (const id of [people.reviewer, people.buyer, people.visitor]) sim.addMember(guildId, id);
    const access = { discord: createDiscordAccessGateway({ token: sim.botToken, apiUrl: sim.apiUrl, log: silentLog }) };
    deps = { ...commandDeps(world.database.db, { clock: world.clock, queue: queues.queue }), access };
    bot = await startDiscordBot({ token: sim.botToken, applicationId: sim.applicationId, apiUrl: sim.apiUrl, deps, log: silentLog });
    await bot.ready;
    telegramBot = createTelegramBot({ token: telegram.token, apiRoot: telegram.apiRoot, deps, log: silentLog });
    await telegramBot.start();
    workers = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 2, log: silentLog, schedulers: false });
    await (await sim.user(people.creator).slashCommand(guildId, 'setup', { code: await world.linkCode() })).reply();
    await world.makeCreator('discord', people.creator);
    for (const id of [people.reviewer, people.buyer, people.visitor]) await (await sim.user(id).slashCommand(guildId, 'help')).reply();
    await world.setRole('discord', people.reviewer, 'staff');
  });
  afterAll(async () => {
    await workers?.close(5_000);
    await telegramBot?.close();
    await bot?.close();
    await telegram?.close();
    await sim?.close();
    await queues?.close();
    await world?.database.drop();
  });

  it('authors a course in a modal and with an attachment option; the checks name the empty lesson', async () => {
    const creator = sim.user(people.creator);
    const asked = await creator.slashCommand(guildId, 'course new');
    const modal = await asked.modal();
    expect(modal.components.map((row: { components: Array<{ custom_id: string }> }) => row.components[0]!.custom_id)).toEqual(['title', 'summary', 'description', 'category', 'tags']);
    const created = await (await creator.submitModal(asked, { title: 'Budgeting @everyone', summary: 'Plan a month of money.', description: 'Three lessons, one worksheet.', category: 'Finance', tags: 'money, planning' })).reply();
    expect(embedText(created)).toMatch(/Draft \(revision 1\)/);
    courseSlug = /Short name: (\S+)/.exec(embedText(created))![1]!;
    expect(courseSlug).toBe('budgeting-everyone');

    const first = await (await creator.slashCommand(guildId, 'lesson add', { course: courseSlug, title: 'Income', body: 'List **every** source.', file: { name: 'worksheet.pdf', data: PDF } })).reply();
    expect(embedText(first)).toMatch(/1\. Income · 📎 worksheet\.pdf/);
    await (await creator.slashCommand(guildId, 'lesson add', { course: courseSlug, title: 'Spending' })).reply();
    await (await creator.slashCommand(guildId, 'lesson add', { course: courseSlug, title: 'Saving', body: 'Tell @everyone and <@&123456789012345678>: save 10%.' })).reply();

    const blocked = await (await creator.slashCommand(guildId, 'course submit', { course: courseSlug })).reply();
    expect(embedText(blocked)).toMatch(/✗ lesson 2 \("Spending"\) is empty/);

    const editing = await creator.slashCommand(guildId, 'lesson edit', { course: courseSlug, lesson: 2 });
    const lessonModal = await editing.modal();
    expect(lessonModal.components.map((row: { components: Array<{ custom_id: string; value?: string }> }) => [row.components[0]!.custom_id, row.components[0]!.value])).toEqual([['title', 'Spending'], ['body', undefined]]);
    await (await creator.submitModal(editing, { title: 'Spending', body: '- rent\n- food' })).reply();
    const submitted = await (await creator.slashCommand(guildId, 'course submit', { course: courseSlug })).reply();
    expect(embedText(submitted)).toMatch(/Submitted for review/);
  });

  it('lets a reviewer ask for changes in a modal and then approve; the author hears both in a DM', async () => {
    const reviewer = sim.user(people.reviewer);
    const refused = await (await sim.user(people.buyer).slashCommand(guildId, 'review list')).reply();
    expect(refused.content).toMatch(/do not have permission/);
    const queue = await (await reviewer.slashCommand(guildId, 'review list')).reply();
    expect(embedText(queue)).toMatch(/Budgeting @everyone · revision 1/);
    // A member pressing the reviewer's Approve (its custom_id forged onto a message of their own) is refused by core.
    const forged = await sim.user(people.buyer).clickButton(refused, buttonId(queue, /^Approve/), { forge: true });
    expect((await forged.reply()).content).toMatch(/do not have permission/);

    const asking = await reviewer.clickButton(queue, buttonId(queue, /^Request changes/));
    await asking.modal();
    await (await reviewer.submitModal(asking, { comment: 'Give Saving an example.' })).reply();
    const told = await eventually(async () => sim.user(people.creator).dmMessages().find((message) => message.content.includes('Give Saving an example.')));
    expect(told.content).toMatch(/asked for changes to Budgeting @everyone/);

    await (await sim.user(people.creator).slashCommand(guildId, 'lesson edit', { course: courseSlug, lesson: 3, body: 'Tell @everyone and <@&123456789012345678>: save 10%, e.g. 300 of 3000.' })).reply();
    await (await sim.user(people.creator).slashCommand(guildId, 'course submit', { course: courseSlug })).reply();
    const again = await (await reviewer.slashCommand(guildId, 'review list')).reply();
    const approved = await (await reviewer.clickButton(again, buttonId(again, /^Approve/))).reply();
    expect(embedText(approved)).toMatch(/approved and published/);
    await eventually(async () => sim.user(people.creator).dmMessages().find((message) => message.content.includes('was approved and is published')));
  });

  it('gives an owner lesson 1 with its PDF and progress; a visitor sees the locks and Buy', async () => {
    const creator = sim.user(people.creator);
    await (await creator.slashCommand(guildId, 'product create', { name: 'Budget Pass', price: '9', courses: courseSlug })).reply();
    await (await creator.slashCommand(guildId, 'grant', { member: people.buyer, product: 'Budget Pass' })).reply();

    const visitorCard = await (await sim.user(people.visitor).slashCommand(guildId, 'course show', { name: courseSlug })).reply();
    expect(embedText(visitorCard)).toMatch(/🔒 1\. Income/);
    expect(() => buttonId(visitorCard, /Buy/)).not.toThrow();

    const buyer = sim.user(people.buyer);
    const card = await (await buyer.slashCommand(guildId, 'course show', { name: courseSlug })).reply();
    expect(embedText(card)).not.toMatch(/🔒/);
    const lesson = await (await buyer.clickButton(card, buttonId(card, /Start lesson 1/))).reply();
    expect(lesson.embeds[0].title).toBe('Lesson 1/3: Income');
    expect(lesson.embeds[0].description).toContain('List **every** source.');
    expect(lesson.attachments?.map((file) => file.filename)).toEqual(['worksheet.pdf']);
    expect(sha256(sim.attachmentData(lesson.attachments![0]!.id))).toBe(sha256(PDF));

    const done = await buyer.clickButton(lesson, buttonId(lesson, /Mark done/));
    await done.reply();
    const mine = await (await buyer.slashCommand(guildId, 'my')).reply();
    expect(embedText(mine)).toMatch(/Budgeting @everyone · 1\/3 done/);

    const third = await (await buyer.slashCommand(guildId, 'lesson open', { course: courseSlug, lesson: 3 })).reply();
    expect(third.embeds[0].description).toContain('@everyone');
    expect(sim.wouldPing(third, 'everyone')).toBe(false);
    expect(sim.wouldPing(third, { role: '123456789012345678' })).toBe(false);
  });

  it('shows a comment written on Telegram on Discord, and hiding it on Discord removes it on both', async () => {
    const mia = telegram.createUser({ firstName: 'Tomoko', languageCode: 'en' }).id;
    await telegram.user(mia).startBot(DEMO_COMMUNITY_SLUG);
    await telegram.waitForBotMessage(mia);
    await (await sim.user(people.creator).slashCommand(guildId, 'grant', { member: people.visitor, product: 'Budget Pass' })).reply();
    await telegram.user(mia).sendPrivate(`/lesson open ${courseSlug} 1`);
    // Mia on Telegram has no purchase yet: the lesson stays closed to her.
    expect((await telegram.waitForBotMessage(mia)).text).toMatch(/for members who own the course/);
    await grantOnTelegram();
    await telegram.user(mia).sendPrivate(`/lesson open ${courseSlug} 1`);
    const lesson = await telegram.waitForBotMessage(mia, { predicate: (message) => (message.text ?? '').startsWith('Lesson 1/3') });
    const comments = lesson.reply_markup!.inline_keyboard.flat().find((button) => button.text.startsWith('💬'))!;
    await telegram.user(mia).pressButton(lesson, callbackData(comments));
    // The list replaces the lesson message in place, as Telegram bots page through content.
    const commentsShown = () => eventually(async () => telegram.privateChatMessages(mia).find((message) => message.fromBot && (message.text ?? '').startsWith('Comments on lesson 1')));
    const list = await commentsShown();
    const write = list.reply_markup!.inline_keyboard.flat().find((button) => button.text === 'Write a comment')!;
    await telegram.user(mia).pressButton(list, callbackData(write));
    await telegram.waitForBotMessage(mia, { predicate: (message) => (message.text ?? '').includes('Your comment') });
    await telegram.user(mia).sendPrivate('Loved it @everyone <b>really</b>');
    const posted = await telegram.waitForBotMessage(mia, { predicate: (message) => (message.text ?? '').includes('Loved it') });
    expect(posted.text).toContain('<b>really</b>');

    const staffView = await (await sim.user(people.reviewer).slashCommand(guildId, 'lesson open', { course: courseSlug, lesson: 1 })).reply();
    const discordList = await (await sim.user(people.reviewer).clickButton(staffView, buttonId(staffView, /Comments \(1\)/))).reply();
    expect(embedText(discordList)).toMatch(/Tomoko: Loved it @everyone <b>really<\/b>/);
    expect(sim.wouldPing(discordList, 'everyone')).toBe(false);
    const commentId = /#([0-9a-f]{8}) Tomoko/.exec(embedText(discordList))![1]!;

    const afterDiscord = await (await sim.user(people.reviewer).slashCommand(guildId, 'comment hide', { comment: commentId })).reply();
    expect(embedText(afterDiscord)).toMatch(/No comments yet/);
    await telegram.user(mia).pressButton(list, callbackData(list.reply_markup!.inline_keyboard.flat().find((button) => button.text === 'Write a comment')));
    await telegram.waitForBotMessage(mia, { predicate: (message) => (message.text ?? '').includes('Your comment') });
    await telegram.user(mia).sendPrivate('A second thought');
    const refreshed = await telegram.waitForBotMessage(mia, { predicate: (message) => (message.text ?? '').includes('A second thought') });
    expect(refreshed.text).not.toContain('Loved it');
  });

  /** Tomoko's Telegram account is a member of its own: the owner grants her the pass by name (from the console). */
  async function grantOnTelegram() {
    const owner = { platform: 'console' as const, userId: consolePersonas.owner.userId, displayName: consolePersonas.owner.displayName, spaceId: CONSOLE_SPACE_ID };
    expect((await handleCommand(deps, owner, 'grant', { member: 'Tomoko', product: 'Budget Pass' })).error).toBeUndefined();
  }
});
