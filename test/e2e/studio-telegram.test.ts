import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import { courses } from '../../core/db/schema/index.ts';
import { handleCommand } from '../../core/dispatch.ts';
import { CONSOLE_SPACE_ID, consolePersonas, DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import { silentLog } from '../support/fakes.ts';
import { eventually } from '../support/queues.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import type { SimTgMessage } from '../sim/telegram/types.ts';
import { createWorld, type World } from './world.ts';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const EXE = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00]);
const button = (message: SimTgMessage, label: RegExp): string => {
  const found = message.reply_markup?.inline_keyboard.flat().find((candidate) => label.test(candidate.text));
  if (!found || !('callback_data' in found)) throw new Error(`no button ${label} in ${JSON.stringify(message.reply_markup)}`);
  return found.callback_data as string;
};

/**
 * The course studio on Telegram through telegraf and the simulator: forms asked one question at a
 * time (Skip, Cancel, resumable), files sent to the bot while authoring or with a command caption,
 * review by button, and a lesson's PDF uploaded once and re-sent by file_id.
 */
describe('course studio on Telegram', () => {
  let world: World;
  let sim: TelegramSim;
  let bot: TelegramBot;
  let creator: number;
  let reviewer: number;
  let member: number;
  const say = async (user: number, text: string, expected: RegExp) => {
    await sim.user(user).sendPrivate(text);
    return sim.waitForBotMessage(user, { predicate: (message) => expected.test(message.text ?? ''), timeoutMs: 5_000 });
  };
  /** Presses a button; the answer is a new message or the pressed one edited in place. */
  const press = async (user: number, message: SimTgMessage, label: RegExp, expected: RegExp) => {
    const seen = Math.max(...sim.privateChatMessages(user).map((candidate) => candidate.message_id));
    await sim.user(user).pressButton(message, button(message, label));
    return eventually(async () => sim.privateChatMessages(user).find((next) => next.fromBot && (next.message_id > seen || next.message_id === message.message_id) && expected.test(next.text ?? '')));
  };

  beforeAll(async () => {
    world = await createWorld();
    sim = await startTelegramSim({ botUsername: 'lyceum_studio_bot' });
    creator = sim.createUser({ firstName: 'Chloe', languageCode: 'en' }).id;
    reviewer = sim.createUser({ firstName: 'Rita', languageCode: 'en' }).id;
    member = sim.createUser({ firstName: 'Nora', languageCode: 'en' }).id;
    bot = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps: world.deps, log: silentLog });
    await bot.start();
    for (const user of [creator, reviewer, member]) {
      await sim.user(user).startBot(DEMO_COMMUNITY_SLUG);
      await sim.waitForBotMessage(user);
    }
    await world.makeCreator('telegram', String(creator));
    await world.setRole('telegram', String(reviewer), 'staff');
  });
  afterAll(async () => {
    await bot?.close();
    await sim?.close();
    await world?.database.drop();
  });

  it('cancels a form at any step, writing nothing', async () => {
    const before = await world.database.db.select({ id: courses.id }).from(courses);
    const asked = await say(creator, '/course new', /New course \(1\/5\)/);
    const second = await say(creator, 'Abandoned idea', /New course \(2\/5\)/);
    const canceled = await press(creator, second, /^Cancel$/, /Canceled/);
    expect(canceled.text).toMatch(/Nothing was saved/);
    expect(asked.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Cancel']);
    expect(await world.database.db.select({ id: courses.id }).from(courses)).toEqual(before);
  });

  it('authors a course by conversation, resumes after a detour, and takes files sent to the bot', async () => {
    await say(creator, '/course new', /New course \(1\/5\)/);
    await say(creator, 'Knitting 101', /\(2\/5\)/);
    await say(creator, 'From cast-on to a scarf.', /\(3\/5\)/);
    const description = await say(creator, 'Three lessons with patterns.', /\(4\/5\)/);
    const tags = await press(creator, description, /^Skip$/, /\(5\/5\)/);
    const card = await press(creator, tags, /^Skip$/, /Draft \(revision 1\)/);
    expect(card.text).toMatch(/knitting-101/);

    await say(creator, '/lesson add knitting-101', /New lesson \(1\/3\)/);
    await say(creator, 'Casting on', /New lesson \(2\/3\)/);
    // A detour: the creator looks something up; the form waits and continues afterwards.
    await say(creator, '/courses', /Courses/);
    const fileStep = await say(creator, 'Make a *slip knot* first.', /New lesson \(3\/3\)/);
    expect(fileStep.text).toMatch(/Send the file here/);
    await sim.user(creator).sendDocument(creator, { name: 'cast-on.exe', bytes: EXE, mimeType: 'application/pdf' });
    expect((await sim.waitForBotMessage(creator, { predicate: (message) => /can't be used/.test(message.text ?? '') })).text).toMatch(/PDF, Office/);
    await say(creator, '/lesson add knitting-101', /New lesson \(1\/3\)/);
    await say(creator, 'Casting on', /\(2\/3\)/);
    await say(creator, 'Make a *slip knot* first.', /\(3\/3\)/);
    await sim.user(creator).sendDocument(creator, { name: 'cast-on.pdf', bytes: PDF, mimeType: 'application/pdf' });
    const added = await sim.waitForBotMessage(creator, { predicate: (message) => /Lesson added: Casting on/.test(message.text ?? '') });
    expect(added.text).toMatch(/1\. Casting on · 📎 cast-on\.pdf/);

    await sim.user(creator).sendDocument(creator, { name: 'scarf.pdf', bytes: Buffer.concat([PDF, Buffer.from('% scarf')]), mimeType: 'application/pdf', caption: '/lesson add knitting-101 The scarf' });
    expect((await sim.waitForBotMessage(creator, { predicate: (message) => /Lesson added: The scarf/.test(message.text ?? '') })).text).toMatch(/2\. The scarf · 📎 scarf\.pdf/);
    await say(creator, '/lesson add knitting-101 title:"Finishing" body:"Weave in the **ends**."', /Lesson added: Finishing/);
    const submitted = await say(creator, '/course submit knitting-101', /Submitted for review|Not submitted/);
    expect(submitted.text).toMatch(/Submitted for review/);
  });

  it('lets a reviewer approve by button, and sends a lesson file once, then by its file_id', async () => {
    const queue = await say(reviewer, '/review', /Waiting for review/);
    expect(queue.text).toMatch(/Knitting 101 · revision 1 · by Chloe/);
    await press(reviewer, queue, /^Approve Knitting 101/, /approved and published/);

    const owner = { platform: 'console' as const, userId: consolePersonas.owner.userId, displayName: consolePersonas.owner.displayName, spaceId: CONSOLE_SPACE_ID };
    expect((await handleCommand(world.deps, owner, 'product', { action: 'create', name: 'Knit Pass', price: '5', courses: 'knitting-101' })).error).toBeUndefined();
    expect((await handleCommand(world.deps, owner, 'grant', { member: 'Nora', product: 'Knit Pass' })).error).toBeUndefined();

    const lesson = await say(member, '/lesson open knitting-101 1', /Lesson 1\/3: Casting on/);
    expect(lesson.text).toContain('Make a slip knot first.');
    expect(lesson.entities?.some((entity) => entity.type === 'italic')).toBe(true);
    await sim.waitForBotMessage(member, { predicate: (message) => message.document?.file_name === 'cast-on.pdf' });
    const uploadsBefore = sim.uploadStats().uploads;
    await say(member, '/lesson open knitting-101 1', /Lesson 1\/3: Casting on/);
    await sim.waitForBotMessage(member, { predicate: (message) => message.document?.file_name === 'cast-on.pdf' && message !== lesson });
    const sends = sim.mediaSends('sendDocument').filter((send) => send.fileName === 'cast-on.pdf');
    expect(sends.map((send) => send.source)).toEqual(['upload', 'file_id']);
    expect(sim.uploadStats().uploads).toBe(uploadsBefore);
    await press(member, lesson, /Mark done/, /1\/3 done/);
    expect((await say(member, '/my', /Your courses/)).text).toMatch(/Knitting 101 · 1\/3 done/);
  });
});
