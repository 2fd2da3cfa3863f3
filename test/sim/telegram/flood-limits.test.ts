import { Telegram, type TelegramError } from 'telegraf';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim, type TelegramSimOptions } from './index.ts';
import { errorOf } from './test-support.ts';

/** allow_paid_broadcast is newer than telegraf's types (Bot API 7.1). */
const PAID = { allow_paid_broadcast: true } as unknown as Parameters<Telegram['sendMessage']>[2];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Telegram's broadcasting limits through the real telegraf client: 30 messages a second overall,
 * 1 a second per chat, 20 a minute per group, 429 with retry_after past them; paid broadcasts at
 * 0.1 Star a message; and sendRate(), which reads the pace back from the recorded calls.
 */
describe('Telegram simulator flood limits', () => {
  let sim: TelegramSim;
  let telegram: Telegram;
  afterEach(async () => {
    await sim?.close();
  });

  /** A sim with `count` users who started the bot. */
  async function world(options: TelegramSimOptions, count: number): Promise<number[]> {
    sim = await startTelegramSim(options);
    telegram = new Telegram(sim.token, { apiRoot: sim.apiRoot });
    const users = Array.from({ length: count }, (_, index) => sim.createUser({ firstName: `User ${index}` }).id);
    for (const user of users) await sim.user(user).startBot();
    return users;
  }
  const botMessages = (chats: number[]) => chats.flatMap((chat) => sim.messages(chat).filter((message) => message.fromBot));

  it('is off by default: a burst in one chat all goes through', async () => {
    const [user] = await world({}, 1);
    await Promise.all(Array.from({ length: 40 }, (_, index) => telegram.sendMessage(user!, `burst ${index}`)));
    expect(botMessages([user!])).toHaveLength(40);
    expect(sim.sendRate()).toMatchObject({ sends: 40, maxPerSecondInOneChat: 40, refused429: 0 });
  });

  it('refuses the 31st message in a second to different chats with 429 and retry_after, without sending it', async () => {
    const users = await world({ floodLimits: true }, 31);
    const errors = await Promise.all(users.map((user) => errorOf(telegram.sendMessage(user, 'news'))));
    expect(errors.filter(Boolean)).toEqual([[429, 'Too Many Requests: retry after 1']]);
    await expect(telegram.sendMessage(users[0]!, 'again')).rejects.toMatchObject({ code: 429, parameters: { retry_after: 1 } });
    expect(botMessages(users)).toHaveLength(30);
    const refused = sim.callsTo('sendMessage').filter((call) => !call.ok);
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatchObject({ ok: false, errorCode: 429, description: 'Too Many Requests: retry after 1', at: expect.any(Number) });
    expect(sim.sendRate()).toMatchObject({ sends: 30, maxPerSecondOverall: 30, maxPerSecondInOneChat: 1, refused429: 2 });
  });

  it('allows one message a second per chat, edits included, and lets it through once the second has passed', async () => {
    const [ada, bo] = await world({ floodLimits: true }, 2);
    const sent = await telegram.sendMessage(ada!, 'one');
    expect(await errorOf(telegram.sendMessage(ada!, 'two'))).toEqual([429, 'Too Many Requests: retry after 1']);
    expect(await errorOf(telegram.editMessageText(ada!, sent.message_id, undefined, 'one, edited'))).toEqual([429, 'Too Many Requests: retry after 1']);
    expect((await telegram.sendMessage(bo!, 'another chat')).text).toBe('another chat');
    await sleep(1_000);
    expect(await telegram.editMessageText(ada!, sent.message_id, undefined, 'one, edited')).toMatchObject({ text: 'one, edited' });
    expect(sim.messages(ada!).filter((message) => message.fromBot).map((message) => message.text)).toEqual(['one, edited']);
    expect(sim.sendRate()).toMatchObject({ sends: 2, edits: 1, refused429: 2, sendsPerChat: new Map([[ada!, 1], [bo!, 1]]) });
  });

  it('allows 20 messages a minute in a group; edits and other chats are not held back by it', async () => {
    const [owner] = await world({ floodLimits: { perChatPerSecond: 100 } }, 1);
    const group = sim.createGroup({ title: 'Course', type: 'supergroup', creatorId: owner! }).id;
    const first = await telegram.sendMessage(group, 'post 0');
    for (let index = 1; index < 20; index++) await telegram.sendMessage(group, `post ${index}`);
    // The window frees a minute after the first post: retry_after counts the seconds left of it.
    const refusal = await telegram.sendMessage(group, 'post 20').then(() => undefined, (error: TelegramError) => error);
    expect(refusal).toMatchObject({ code: 429, description: `Too Many Requests: retry after ${refusal?.parameters?.retry_after}` });
    expect(refusal?.parameters?.retry_after).toBeGreaterThanOrEqual(55);
    expect(refusal?.parameters?.retry_after).toBeLessThanOrEqual(60);
    expect(await telegram.editMessageText(group, first.message_id, undefined, 'post 0, edited')).toMatchObject({ text: 'post 0, edited' });
    expect((await telegram.sendMessage(owner!, 'private')).text).toBe('private');
    expect(botMessages([group])).toHaveLength(20);
    expect(sim.sendRate()).toMatchObject({ sends: 21, edits: 1, maxPerMinuteInOneGroup: 20, refused429: 1 });
  });

  it('lifts the overall limit for paid broadcasts at 0.1 Star a message; the per-chat limit still holds', async () => {
    const users = await world({ floodLimits: { perSecond: 5 }, botStarBalance: 10 }, 13);
    const broadcast = users.slice(0, 12);
    await Promise.all(broadcast.map((user) => telegram.sendMessage(user, 'paid news', PAID)));
    expect(botMessages(broadcast)).toHaveLength(12);
    expect(sim.paidBroadcastStats()).toEqual({ messages: 12, starsSpent: 1.2, starBalance: 8.8 });
    // The free limit counts every message of the last second, paid ones too.
    expect(await errorOf(telegram.sendMessage(users[12]!, 'free news'))).toEqual([429, 'Too Many Requests: retry after 1']);
    expect(await errorOf(telegram.sendMessage(users[0]!, 'paid again', PAID))).toEqual([429, 'Too Many Requests: retry after 1']);
    expect(sim.paidBroadcastStats()).toEqual({ messages: 12, starsSpent: 1.2, starBalance: 8.8 });
    expect(sim.callsTo('sendMessage')[0]!.params).toMatchObject({ allow_paid_broadcast: true });
    expect(sim.sendRate()).toMatchObject({ sends: 12, paidSends: 12, maxPerSecondOverall: 12, refused429: 2 });
  });

  it('refuses a paid broadcast the Star balance cannot cover, and charges nothing for a send that fails', async () => {
    const users = await world({ floodLimits: true, botStarBalance: 0.2 }, 3);
    expect(await errorOf(telegram.sendMessage(-100_999, 'nowhere', PAID))).toEqual([400, 'Bad Request: chat not found']);
    expect(sim.paidBroadcastStats()).toEqual({ messages: 0, starsSpent: 0, starBalance: 0.2 });
    await telegram.sendMessage(users[0]!, 'paid', PAID);
    await telegram.sendMessage(users[1]!, 'paid', PAID);
    expect(await errorOf(telegram.sendMessage(users[2]!, 'paid', PAID))).toEqual([400, 'Bad Request: BALANCE_TOO_LOW']);
    expect(sim.paidBroadcastStats()).toEqual({ messages: 2, starsSpent: 0.2, starBalance: 0 });
    expect(botMessages([users[2]!])).toEqual([]);
    sim.setBotStarBalance(1);
    expect((await telegram.sendMessage(users[2]!, 'paid', PAID)).text).toBe('paid');
    expect(sim.paidBroadcastStats()).toEqual({ messages: 3, starsSpent: 0.3, starBalance: 0.9 });
  });

  it('charges paid broadcasts with the limits off too', async () => {
    const [user] = await world({}, 1);
    expect(await errorOf(telegram.sendMessage(user!, 'paid', PAID))).toEqual([400, 'Bad Request: BALANCE_TOO_LOW']);
    sim.setBotStarBalance(5);
    await telegram.sendMessage(user!, 'paid', PAID);
    expect(sim.paidBroadcastStats()).toEqual({ messages: 1, starsSpent: 0.1, starBalance: 4.9 });
  });

  it('reads the pace of 20,000 recorded calls back in sliding windows, fast', async () => {
    const [owner] = await world({}, 1);
    const group = sim.createGroup({ title: 'Course', type: 'supergroup', creatorId: owner! }).id;
    const base = 1_700_000_000_000;
    const record = (method: string, chat: number, at: number, ok = true) =>
      sim.calls.push({ method, params: { chat_id: String(chat), text: 'x' }, ok, ...(ok ? {} : { errorCode: 429 }), at });
    // 25 a second steadily (one every 40 ms) to 2,000 private chats, each chat once every 80 s.
    for (let index = 0; index < 20_000; index++) record('sendMessage', 500_000 + (index % 2_000), base + index * 40);
    // One every 2.5 s in the group: 24 fall within any minute (0 and 60 000 ms apart do not).
    for (let index = 0; index < 30; index++) record('sendMessage', group, base + 1_000_000 + index * 2_500);
    for (let index = 0; index < 5; index++) record('editMessageText', 500_000, base + 2_000_000 + index * 100);
    for (let index = 0; index < 7; index++) record('sendMessage', 500_001, base + 2_000_000, false);
    record('sendChatAction', 500_000, base + 2_000_000);
    const started = performance.now();
    const rate = sim.sendRate();
    expect(performance.now() - started).toBeLessThan(500);
    expect({ ...rate, sendsPerChat: rate.sendsPerChat.size }).toEqual({
      sends: 20_030,
      edits: 5,
      paidSends: 0,
      maxPerSecondOverall: 25,
      maxPerSecondInOneChat: 5,
      maxPerMinuteInOneGroup: 24,
      refused429: 7,
      sendsPerChat: 2_001,
    });
    expect([rate.sendsPerChat.get(500_000), rate.sendsPerChat.get(group)]).toEqual([10, 30]);
    expect(sim.sendRate({ since: base + 1_000_000 })).toMatchObject({ sends: 30, edits: 5, maxPerSecondOverall: 5, maxPerMinuteInOneGroup: 24, refused429: 7 });
  });
});
