import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telegraf, TelegramError } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHtml } from './html.ts';
import { startTelegramSim, type TelegramSim } from './index.ts';

/** The simulator itself, checked with the real telegraf client: what it accepts and refuses. */
describe('Telegram simulator', () => {
  let sim: TelegramSim;
  let bot: Telegraf;
  let user: number;
  let stranger: number;
  let groupId: number;

  beforeAll(async () => {
    sim = await startTelegramSim({ botUsername: 'sim_test_bot' });
    user = sim.createUser({ firstName: 'Ada', languageCode: 'en' }).id;
    stranger = sim.createUser({ firstName: 'Bob' }).id;
    groupId = sim.createGroup({ title: 'Group', type: 'supergroup', creatorId: user, memberIds: [stranger], botRights: 'member' }).id;
    bot = new Telegraf(sim.token, { telegram: { apiRoot: sim.apiRoot, webhookReply: false } });
    bot.command('echo', (ctx) => ctx.reply(`<b>${ctx.payload}</b>`, { parse_mode: 'HTML', reply_markup: { inline_keyboard: [[{ text: 'More', callback_data: 'more' }]] } }));
    bot.action('more', async (ctx) => {
      await ctx.editMessageText('more!', { reply_markup: { inline_keyboard: [[{ text: 'Again', callback_data: 'again' }]] } });
      await ctx.answerCbQuery('done');
    });
    await new Promise<void>((resolve) => void bot.launch({ allowedUpdates: ['message', 'callback_query'] }, resolve));
    await sim.user(user).startBot();
  });
  afterAll(async () => {
    bot?.stop();
    await sim?.close();
  });

  it('serves getMe and long-polled updates to the real client', async () => {
    expect(bot.botInfo?.username).toBe('sim_test_bot');
    await sim.user(user).sendPrivate('/echo hi & bye');
    const reply = await sim.waitForBotMessage(user);
    expect(reply.text).toBe('hi & bye');
    expect(reply.entities).toEqual([{ type: 'bold', offset: 0, length: 8 }]);
    expect(sim.callsTo('getUpdates').length).toBeGreaterThan(0);
  });

  it('edits a message in place on a button press and records the answer', async () => {
    await sim.user(user).sendPrivate('/echo x');
    const message = await sim.waitForBotMessage(user);
    const press = await sim.user(user).pressButton(message, 'more');
    const edited = await sim.waitForEdit(user, message.message_id);
    expect(edited).toMatchObject({ message_id: message.message_id, text: 'more!' });
    expect(edited.edit_date).toBeDefined();
    expect(await press.answered()).toEqual({ text: 'done' });
    await expect(sim.user(user).pressButton(message, 'nope')).rejects.toThrow(/no button/);
  });

  it('refuses invalid HTML, over-long text, oversized callback_data and unmodified edits like the Bot API', async () => {
    const errorOf = (call: Promise<unknown>) =>
      call.then(
        () => undefined,
        (error: unknown) => (error instanceof TelegramError ? [error.code, error.description] : error),
      );
    expect(await errorOf(bot.telegram.sendMessage(user, '<b>open', { parse_mode: 'HTML' }))).toEqual([
      400,
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    ]);
    expect(await errorOf(bot.telegram.sendMessage(user, 'a < b', { parse_mode: 'HTML' }))).toEqual([
      400,
      'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
    ]);
    expect(await errorOf(bot.telegram.sendMessage(user, 'x'.repeat(4097)))).toEqual([400, 'Bad Request: message is too long']);
    expect(await errorOf(bot.telegram.sendMessage(user, `<b>${'x'.repeat(4096)}</b>`, { parse_mode: 'HTML' }))).toBeUndefined();
    const tooLong = { reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: '数'.repeat(22) }]] } };
    expect(await errorOf(bot.telegram.sendMessage(user, 'x', tooLong))).toEqual([400, 'Bad Request: BUTTON_DATA_INVALID']);
    const sent = await bot.telegram.sendMessage(user, 'same');
    expect(await errorOf(bot.telegram.editMessageText(user, sent.message_id, undefined, 'same'))).toEqual([
      400,
      expect.stringMatching(/^Bad Request: message is not modified/),
    ]);
  });

  it('forbids writing first to a user who never started the bot, or who blocked it', async () => {
    await expect(bot.telegram.sendMessage(stranger, 'hi')).rejects.toMatchObject({
      code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    const blocker = sim.createUser({ firstName: 'Cy' }).id;
    await sim.user(blocker).startBot();
    sim.user(blocker).blockBot();
    await expect(bot.telegram.sendMessage(blocker, 'hi')).rejects.toMatchObject({ code: 403, description: 'Forbidden: bot was blocked by the user' });
  });

  it('answers getChatMember in the Bot API shapes and checks the bot’s own rights', async () => {
    expect(await bot.telegram.getChatMember(groupId, user)).toMatchObject({ status: 'creator', user: { id: user } });
    expect(await bot.telegram.getChatMember(groupId, stranger)).toMatchObject({ status: 'member' });
    const outsider = sim.createUser({ firstName: 'Di' }).id;
    expect(await bot.telegram.getChatMember(groupId, outsider)).toMatchObject({ status: 'left' });
    await expect(bot.telegram.createChatInviteLink(groupId, { member_limit: 1 })).rejects.toMatchObject({
      description: 'Bad Request: not enough rights to manage chat invite link',
    });
    await expect(bot.telegram.banChatMember(groupId, stranger)).rejects.toMatchObject({ code: 400 });
  });

  it('injects 429 with retry_after, 5xx and permission errors on demand', async () => {
    sim.failNext({ method: 'sendMessage', errorCode: 429, retryAfter: 3 });
    await expect(bot.telegram.sendMessage(user, 'x')).rejects.toMatchObject({
      code: 429,
      description: 'Too Many Requests: retry after 3',
      parameters: { retry_after: 3 },
    });
    sim.failNext({ method: 'sendMessage', errorCode: 502 });
    await expect(bot.telegram.sendMessage(user, 'x')).rejects.toMatchObject({ code: 502 });
    sim.failNext({ method: 'sendMessage', errorCode: 400, description: 'Bad Request: not enough rights to send text messages to the chat' });
    await expect(bot.telegram.sendMessage(user, 'x')).rejects.toMatchObject({ code: 400 });
    expect(sim.callsTo('sendMessage').slice(-3).map((call) => call.errorCode)).toEqual([429, 502, 400]);
    expect((await bot.telegram.sendMessage(user, 'works again')).text).toBe('works again');
  });

  it('refuses a wrong token and unknown methods', async () => {
    const wrong = await fetch(`${sim.apiRoot}/bot123:nope/getMe`, { method: 'POST' });
    expect([wrong.status, await wrong.json()]).toEqual([401, { ok: false, error_code: 401, description: 'Unauthorized' }]);
    const unknown = await fetch(`${sim.apiRoot}/bot${sim.token}/sendTelepathy`, { method: 'POST' });
    expect(unknown.status).toBe(404);
  });
});

describe('Telegram simulator webhook delivery', () => {
  let sim: TelegramSim;
  let receiver: Server;
  const received: Array<{ secret: string | undefined; body: unknown }> = [];

  beforeAll(async () => {
    sim = await startTelegramSim();
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ secret: request.headers['x-telegram-bot-api-secret-token'] as string | undefined, body: JSON.parse(body) });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await sim?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('posts updates with the secret token header and refuses getUpdates meanwhile', async () => {
    const bot = new Telegraf(sim.token, { telegram: { apiRoot: sim.apiRoot, webhookReply: false } });
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await bot.telegram.setWebhook(url, { secret_token: 'secret_123' });
    const user = sim.createUser({ firstName: 'Eve' }).id;
    await sim.user(user).startBot('payload');
    const deadline = Date.now() + 3_000;
    while (!received.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received[0]).toMatchObject({ secret: 'secret_123', body: { message: { text: '/start payload', from: { id: user } } } });
    expect(sim.webhook.deliveries).toEqual([{ updateId: expect.any(Number), status: 200 }]);
    await expect(bot.telegram.getUpdates(0, 1, 0, undefined)).rejects.toMatchObject({ code: 409 });
  });
});

describe('parseHtml', () => {
  it('decodes entities and nests tags with UTF-16 offsets', () => {
    expect(parseHtml('机器 <i>a &lt; <b>b</b></i> &amp; <a href="https://x.test">link</a>')).toEqual({
      ok: true,
      text: '机器 a < b & link',
      entities: [
        { type: 'italic', offset: 3, length: 5 },
        { type: 'bold', offset: 7, length: 1 },
        { type: 'text_link', offset: 11, length: 4, url: 'https://x.test' },
      ],
    });
  });

  it('reports mismatched and unknown tags', () => {
    expect(parseHtml('<b><i>x</b></i>')).toMatchObject({ ok: false, error: expect.stringContaining('Unmatched end tag') });
    expect(parseHtml('<foo>x</foo>')).toMatchObject({ ok: false, error: expect.stringContaining('Unsupported start tag "foo"') });
  });
});
