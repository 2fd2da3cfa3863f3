import { Telegraf, Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim } from './index.ts';
import { errorOf, until } from './test-support.ts';

type Loose = Record<string, any>;
const THREAD_NOT_FOUND = [400, 'Bad Request: message thread not found'];
const NOT_A_FORUM = [400, 'Bad Request: the chat is not a forum'];

/** Forum topics through the real telegraf client: creating, posting, members writing in topics, closing. */
describe('Telegram simulator: forum topics', () => {
  let sim: TelegramSim;
  let bot: Telegraf;
  let owner: number;
  let admin: number;
  let member: number;
  let forum: number;
  let ticket: number;
  const messages: Loose[] = [];
  const received = (predicate: (message: Loose) => boolean) =>
    until(() => messages.some(predicate)).then(() => messages.filter(predicate).at(-1)!);

  beforeAll(async () => {
    sim = await startTelegramSim({ botUsername: 'forum_sim_bot' });
    [owner, admin, member] = ['Olga', 'Ari', 'Mo'].map((firstName) => sim.createUser({ firstName }).id) as [number, number, number];
    forum = sim.createGroup({ title: 'Support', type: 'supergroup', isForum: true, creatorId: owner, adminIds: [admin], memberIds: [member] }).id;
    bot = new Telegraf(sim.token, { telegram: { apiRoot: sim.apiRoot, webhookReply: false } });
    bot.use((ctx, next) => {
      if ('message' in ctx.update) messages.push((ctx.update as Update.MessageUpdate).message);
      return next();
    });
    bot.hears('help please', (ctx) => ctx.reply('on it'));
    await new Promise<void>((resolve) => void bot.launch({ allowedUpdates: ['message'] }, resolve));
    ticket = (await bot.telegram.createForumTopic(forum, 'Ticket 1')).message_thread_id;
  });
  afterAll(async () => {
    bot?.stop();
    await sim?.close();
  });

  it('creates topics with increasing ids, each opened by a forum_topic_created message the bot receives', async () => {
    const second = await bot.telegram.createForumTopic(forum, 'Ticket 2', { icon_color: 16766590 });
    expect(second).toEqual({ message_thread_id: expect.any(Number), name: 'Ticket 2', icon_color: 16766590 });
    expect(second.message_thread_id).toBeGreaterThan(ticket);
    expect(sim.topics(forum).slice(0, 2)).toEqual([
      { message_thread_id: ticket, name: 'Ticket 1', icon_color: 7322096, closed: false },
      { message_thread_id: second.message_thread_id, name: 'Ticket 2', icon_color: 16766590, closed: false },
    ]);
    const created = await received((message) => message.forum_topic_created?.name === 'Ticket 1');
    expect(created).toMatchObject({ message_id: ticket, message_thread_id: ticket, is_topic_message: true, from: { id: sim.bot.id } });
    expect(created.reply_to_message).toBeUndefined();
    // TDLib cuts names to 128 characters and refuses blank ones.
    expect((await bot.telegram.createForumTopic(forum, `  ${'n'.repeat(200)}`)).name).toBe('n'.repeat(128));
    expect(await errorOf(bot.telegram.createForumTopic(forum, '   '))).toEqual([400, 'Bad Request: name must be non-empty']);
  });

  it('posts into a topic with the topic root as reply_to_message; a reply to a topic message stays in its topic', async () => {
    const sent = (await bot.telegram.sendMessage(forum, 'Welcome', { message_thread_id: ticket })) as Loose;
    expect(sent).toMatchObject({
      message_thread_id: ticket,
      is_topic_message: true,
      reply_to_message: { message_id: ticket, forum_topic_created: { name: 'Ticket 1' } },
    });
    expect(sent.reply_to_message.reply_to_message).toBeUndefined();
    const reply = (await bot.telegram.sendMessage(forum, 'Also', { reply_parameters: { message_id: sent.message_id } })) as Loose;
    expect(reply).toMatchObject({ message_thread_id: ticket, is_topic_message: true, reply_to_message: { message_id: sent.message_id, text: 'Welcome' } });
    const stars = { title: 'Pro', description: 'A month', payload: 'pro', provider_token: '', currency: 'XTR', prices: [{ label: 'Pro', amount: 10 }] };
    const invoice = (await bot.telegram.sendInvoice(forum, stars, { message_thread_id: ticket })) as Loose;
    expect(invoice).toMatchObject({ message_thread_id: ticket, is_topic_message: true });
    expect(sim.topicMessages(forum, ticket).map((message) => message.text ?? Object.keys(message).find((key) => key.startsWith('forum_') || key === 'invoice'))).toEqual([
      'forum_topic_created',
      'Welcome',
      'Also',
      'invoice',
    ]);
    // General is not a topic: its messages have neither field.
    expect(await bot.telegram.sendMessage(forum, 'In General')).not.toHaveProperty('message_thread_id');
  });

  it('delivers a member’s topic message with message_thread_id, and telegraf’s ctx.reply answers in the topic', async () => {
    const asked = await sim.user(member).sendTopicMessage(forum, ticket, 'help please');
    const update = await received((message) => message.message_id === asked.message_id);
    expect(update).toMatchObject({
      chat: { id: forum, type: 'supergroup', is_forum: true },
      from: { id: member },
      message_thread_id: ticket,
      is_topic_message: true,
      reply_to_message: { message_id: ticket, forum_topic_created: { name: 'Ticket 1' } },
    });
    const answer = await sim.waitForBotMessage(forum, { predicate: (message) => message.text === 'on it' });
    expect(answer).toMatchObject({ message_thread_id: ticket, is_topic_message: true });
    const thanks = await sim.user(member).sendTopicMessage(forum, ticket, 'thanks', { replyTo: answer.message_id });
    expect(thanks).toMatchObject({ message_thread_id: ticket, reply_to_message: { message_id: answer.message_id, text: 'on it' } });
    // A plain reply in the app lands in the replied message's topic.
    expect(await sim.user(admin).sendText(forum, 'taking this', { replyTo: thanks.message_id })).toMatchObject({ message_thread_id: ticket, is_topic_message: true });
    await expect(sim.user(member).sendTopicMessage(forum, 9_999, 'lost')).rejects.toThrow(/no topic 9999/);
  });

  it('refuses unknown threads, General, topics in private chats and non-forums, and missing rights, in the Bot API’s words', async () => {
    expect(await errorOf(bot.telegram.sendMessage(forum, 'x', { message_thread_id: 9_999 }))).toEqual(THREAD_NOT_FOUND);
    expect(await errorOf(bot.telegram.sendMessage(forum, 'x', { message_thread_id: 1 }))).toEqual(THREAD_NOT_FOUND);
    await sim.user(member).startBot();
    expect(await errorOf(bot.telegram.sendMessage(member, 'x', { message_thread_id: ticket }))).toEqual(THREAD_NOT_FOUND);
    // Outside forums the Bot API (since check_message_topic) ignores message_thread_id.
    const plain = sim.createGroup({ title: 'Plain', type: 'supergroup', creatorId: owner, memberIds: [member] }).id;
    expect(await bot.telegram.sendMessage(plain, 'x', { message_thread_id: 5 })).not.toHaveProperty('message_thread_id');
    const basic = sim.createGroup({ title: 'Basic', creatorId: owner }).id;
    for (const chat of [plain, basic, member]) expect(await errorOf(bot.telegram.createForumTopic(chat, 'T'))).toEqual(NOT_A_FORUM);
    expect(await errorOf(bot.telegram.closeForumTopic(plain, 5))).toEqual(NOT_A_FORUM);
    expect(await errorOf(bot.telegram.closeForumTopic(forum, 9_999))).toEqual([400, 'Bad Request: TOPIC_ID_INVALID']);
    expect(await errorOf(bot.telegram.closeForumTopic(forum, 0))).toEqual([400, 'Bad Request: invalid forum topic identifier specified']);

    for (const botRights of ['member', { can_manage_topics: false }] as const) {
      const weak = sim.createGroup({ title: 'Weak', type: 'supergroup', isForum: true, creatorId: owner, memberIds: [member], botRights }).id;
      expect(await errorOf(bot.telegram.createForumTopic(weak, 'T'))).toEqual([400, 'Bad Request: not enough rights to create a topic']);
      const theirs = await sim.user(owner).createTopic(weak, 'Owner topic');
      expect(await errorOf(bot.telegram.closeForumTopic(weak, theirs.message_thread_id))).toEqual([400, 'Bad Request: not enough rights to close or open the topic']);
      expect(await errorOf(bot.telegram.editForumTopic(weak, theirs.message_thread_id, { name: 'Mine' }))).toEqual([400, 'Bad Request: not enough rights to edit the topic']);
      await sim.user(owner).closeTopic(weak, theirs.message_thread_id);
      expect(await errorOf(bot.telegram.sendMessage(weak, 'x', { message_thread_id: theirs.message_thread_id }))).toEqual([400, 'Bad Request: TOPIC_CLOSED']);
    }
  });

  it('closes, reopens and renames with service messages; a closed topic takes only its creator and topic managers', async () => {
    const topic = (await bot.telegram.createForumTopic(forum, 'Ticket 3')).message_thread_id;
    expect(await bot.telegram.closeForumTopic(forum, topic)).toBe(true);
    expect(await errorOf(bot.telegram.closeForumTopic(forum, topic))).toEqual([400, 'Bad Request: TOPIC_NOT_MODIFIED']);
    expect(sim.topics(forum).find((candidate) => candidate.message_thread_id === topic)).toMatchObject({ closed: true });
    expect(await received((message) => message.message_thread_id === topic && 'forum_topic_closed' in message)).toMatchObject({
      forum_topic_closed: {},
      is_topic_message: true,
      reply_to_message: { message_id: topic },
    });
    await expect(sim.user(member).sendTopicMessage(forum, topic, 'let me in')).rejects.toThrow(/TOPIC_CLOSED/);
    await expect(sim.user(admin).sendTopicMessage(forum, topic, 'admins may')).resolves.toMatchObject({ message_thread_id: topic });
    expect(await bot.telegram.sendMessage(forum, 'so may the bot', { message_thread_id: topic })).toMatchObject({ message_thread_id: topic });

    expect(await bot.telegram.reopenForumTopic(forum, topic)).toBe(true);
    expect(await errorOf(bot.telegram.reopenForumTopic(forum, topic))).toEqual([400, 'Bad Request: TOPIC_NOT_MODIFIED']);
    await expect(sim.user(member).sendTopicMessage(forum, topic, 'open again')).resolves.toMatchObject({ message_thread_id: topic });
    await received((message) => message.message_thread_id === topic && 'forum_topic_reopened' in message);

    expect(await bot.telegram.editForumTopic(forum, topic, { name: 'Ticket 3 (billing)' })).toBe(true);
    expect(await errorOf(bot.telegram.editForumTopic(forum, topic, { name: 'Ticket 3 (billing)' }))).toEqual([400, 'Bad Request: TOPIC_NOT_MODIFIED']);
    expect(await received((message) => message.message_thread_id === topic && 'forum_topic_edited' in message)).toMatchObject({
      forum_topic_edited: { name: 'Ticket 3 (billing)' },
    });
    expect(sim.topics(forum).find((candidate) => candidate.message_thread_id === topic)?.name).toBe('Ticket 3 (billing)');
  });

  it('lets the bot manage and post in its own closed topic after losing can_manage_topics', async () => {
    const room = sim.createGroup({ title: 'Room', type: 'supergroup', isForum: true, creatorId: owner, memberIds: [member] }).id;
    const own = (await bot.telegram.createForumTopic(room, 'Bot topic')).message_thread_id;
    const theirs = (await sim.user(owner).createTopic(room, 'Owner topic')).message_thread_id;
    sim.addBot(owner, room, { can_manage_topics: false });
    expect(await bot.telegram.closeForumTopic(room, own)).toBe(true);
    expect(await bot.telegram.sendMessage(room, 'still mine', { message_thread_id: own })).toMatchObject({ message_thread_id: own });
    await expect(sim.user(member).sendTopicMessage(room, own, 'closed to me')).rejects.toThrow(/TOPIC_CLOSED/);
    expect(await errorOf(bot.telegram.closeForumTopic(room, theirs))).toEqual([400, 'Bad Request: not enough rights to close or open the topic']);
  });
});

describe('Telegram simulator: group privacy mode', () => {
  it('gives a bot that is no admin only commands, its @mentions and replies to it, including in topics it created', async () => {
    const sim = await startTelegramSim({ privacyMode: true, botUsername: 'privy_bot' });
    try {
      const [owner, member] = ['Olga', 'Mo'].map((firstName) => sim.createUser({ firstName }).id) as [number, number];
      const chat = sim.createGroup({ title: 'Quiet', type: 'supergroup', isForum: true, creatorId: owner, memberIds: [member] }).id;
      const telegram = new Telegram(sim.token, { apiRoot: sim.apiRoot });
      const botTopic = (await telegram.createForumTopic(chat, 'Bot topic')).message_thread_id;
      const userTopic = (await sim.user(owner).createTopic(chat, 'Chat')).message_thread_id;
      const posted = await telegram.sendMessage(chat, 'Hi all');
      sim.addBot(owner, chat, 'member');
      const skip = await telegram.getUpdates(0, 100, 0, undefined);
      const user = sim.user(member);
      for (const text of ['plain chatter', '/help', '/help@other_bot', 'ping @privy_bot', 'ping @PRIVY_BOT please']) await user.sendText(chat, text);
      await user.sendText(chat, 'answering the bot', { replyTo: posted.message_id });
      await user.sendTopicMessage(chat, botTopic, 'in the bot topic');
      await user.sendTopicMessage(chat, userTopic, 'in the chat topic');
      const updates = await telegram.getUpdates(0, 100, skip.at(-1)!.update_id + 1, undefined);
      expect(updates.map((update) => (update as Update.MessageUpdate & { message: Loose }).message.text)).toEqual([
        '/help',
        'ping @privy_bot',
        'ping @PRIVY_BOT please',
        'answering the bot',
        'in the bot topic',
      ]);
      // Admins receive everything, and nobody outside the chat receives anything.
      sim.addBot(owner, chat);
      const next = await telegram.getUpdates(0, 100, updates.at(-1)!.update_id + 1, undefined);
      await user.sendText(chat, 'now heard');
      const outside = sim.createGroup({ title: 'Elsewhere', type: 'supergroup', creatorId: owner, memberIds: [member], botRights: 'absent' }).id;
      await user.sendText(outside, 'unheard');
      const last = await telegram.getUpdates(0, 100, next.at(-1)!.update_id + 1, undefined);
      expect(last.map((update) => (update as Update.MessageUpdate & { message: Loose }).message.text)).toEqual(['now heard']);
    } finally {
      await sim.close();
    }
  });
});
