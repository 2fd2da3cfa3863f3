import { Telegraf, Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTelegramSim, type TelegramSim } from './index.ts';
import { errorOf, until } from './test-support.ts';

const kind = (update: Update) => Object.keys(update).find((key) => key !== 'update_id');
const NO_RIGHTS = 'Bad Request: not enough rights to restrict/unrestrict chat member';

/** Paid-group access paths through the real telegraf client: invite links, join requests, bans, migration. */
describe('Telegram simulator: group access', () => {
  let sim: TelegramSim;
  let bot: Telegraf;
  let owner: number;
  let admin: number;
  let member: number;
  let newcomer: number;
  let latecomer: number;
  let supergroup: number;
  const updates: Update[] = [];
  const updatesOf = (type: string) => updates.filter((update) => kind(update) === type) as Array<Update & Record<string, any>>;

  beforeAll(async () => {
    sim = await startTelegramSim();
    [owner, admin, member, newcomer, latecomer] = ['Olga', 'Ari', 'Mo', 'Nia', 'Lu'].map((firstName) => sim.createUser({ firstName }).id) as [number, number, number, number, number];
    supergroup = sim.createGroup({ title: 'Paid', type: 'supergroup', creatorId: owner, adminIds: [admin], memberIds: [member] }).id;
    bot = new Telegraf(sim.token, { telegram: { apiRoot: sim.apiRoot, webhookReply: false } });
    bot.use((ctx, next) => {
      updates.push(ctx.update);
      return next();
    });
    const allowedUpdates = ['message', 'chat_member', 'my_chat_member', 'chat_join_request'] as const;
    await new Promise<void>((resolve) => void bot.launch({ allowedUpdates: [...allowedUpdates] }, resolve));
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    bot?.stop();
    await sim?.close();
  });

  it('creates invite links only with can_invite_users, and checks them like Telegram', async () => {
    const plain = sim.createGroup({ title: 'Plain', type: 'supergroup', creatorId: owner, botRights: 'member' }).id;
    const noInvite = sim.createGroup({ title: 'No invite', type: 'supergroup', creatorId: owner, botRights: { can_invite_users: false } }).id;
    for (const chat of [plain, noInvite]) {
      expect(await errorOf(bot.telegram.createChatInviteLink(chat, { member_limit: 1 }))).toEqual([400, 'Bad Request: not enough rights to manage chat invite link']);
    }
    expect(await errorOf(bot.telegram.createChatInviteLink(supergroup, { member_limit: 1, creates_join_request: true }))).toEqual([
      400,
      "Bad Request: member limit can't be specified for links requiring administrator approval",
    ]);
    expect(await errorOf(bot.telegram.createChatInviteLink(supergroup, { member_limit: 100_000 }))).toEqual([400, 'Bad Request: USAGE_LIMIT_INVALID']);
    expect(await errorOf(bot.telegram.createChatInviteLink(supergroup, { expire_date: 1_000 }))).toEqual([400, 'Bad Request: EXPIRE_DATE_INVALID']);
    const expireDate = Math.floor(Date.now() / 1000) + 3_600;
    const link = await bot.telegram.createChatInviteLink(supergroup, { name: 'n'.repeat(40), member_limit: 1, expire_date: expireDate });
    expect(link).toEqual({
      invite_link: expect.stringMatching(/^https:\/\/t\.me\/\+[\w-]+$/),
      name: 'n'.repeat(32),
      creator: expect.objectContaining({ id: sim.bot.id, is_bot: true }),
      expire_date: expireDate,
      member_limit: 1,
      creates_join_request: false,
      is_primary: false,
      is_revoked: false,
    });
  });

  it('lets one user join by a single-use link and refuses the next, an expired and a revoked link', async () => {
    const { invite_link } = await bot.telegram.createChatInviteLink(supergroup, { member_limit: 1, name: 'order-1' });
    expect(await sim.user(newcomer).joinByLink(invite_link)).toEqual({ status: 'joined', chatId: supergroup });
    expect(await bot.telegram.getChatMember(supergroup, newcomer)).toMatchObject({ status: 'member' });
    await until(() => updatesOf('chat_member').some((update) => update.chat_member.new_chat_member.user.id === newcomer));
    expect(updatesOf('chat_member').at(-1)!.chat_member).toMatchObject({
      chat: { id: supergroup },
      from: { id: newcomer },
      old_chat_member: { status: 'left' },
      new_chat_member: { status: 'member', user: { id: newcomer } },
      invite_link: { invite_link, name: 'order-1', member_limit: 1 },
    });
    await until(() => updatesOf('message').some((update) => update.message.new_chat_members?.[0]?.id === newcomer));
    await expect(sim.user(latecomer).joinByLink(invite_link)).rejects.toThrow(/INVITE_HASH_EXPIRED/);
    await expect(sim.user(newcomer).joinByLink(invite_link)).rejects.toThrow(/INVITE_HASH_EXPIRED/);

    const expiring = await bot.telegram.createChatInviteLink(supergroup, { expire_date: Math.floor(Date.now() / 1000) + 60 });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 120_000);
    await expect(sim.user(latecomer).joinByLink(expiring.invite_link)).rejects.toThrow(/INVITE_HASH_EXPIRED/);
    vi.useRealTimers();

    const revoked = await bot.telegram.createChatInviteLink(supergroup, {});
    expect(await bot.telegram.revokeChatInviteLink(supergroup, revoked.invite_link)).toMatchObject({ invite_link: revoked.invite_link, is_revoked: true });
    await expect(sim.user(latecomer).joinByLink(revoked.invite_link)).rejects.toThrow(/INVITE_HASH_EXPIRED/);
    expect(sim.memberStatus(supergroup, latecomer)).toBe('left');
  });

  it('holds users of a join-request link as pending until the bot approves or declines', async () => {
    const { invite_link } = await bot.telegram.createChatInviteLink(supergroup, { creates_join_request: true, name: 'paid' });
    const asker = sim.createUser({ firstName: 'Asa' }).id;
    const refused = sim.createUser({ firstName: 'Rex' }).id;
    expect(await sim.user(asker).joinByLink(invite_link)).toEqual({ status: 'requested', chatId: supergroup });
    await sim.user(refused).joinByLink(invite_link);
    await until(() => updatesOf('chat_join_request').length >= 2);
    expect(updatesOf('chat_join_request').at(-2)!.chat_join_request).toMatchObject({
      chat: { id: supergroup },
      from: { id: asker },
      user_chat_id: asker,
      invite_link: { invite_link, creates_join_request: true, pending_join_request_count: 1 },
    });
    expect(sim.pendingJoinRequests(supergroup)).toEqual([asker, refused]);
    expect(await bot.telegram.getChatMember(supergroup, asker)).toMatchObject({ status: 'left' });

    // A pending request opens user_chat_id to the bot, though neither user started it.
    expect((await bot.telegram.sendMessage(refused, 'hello')).chat.id).toBe(refused);
    expect(await bot.telegram.approveChatJoinRequest(supergroup, asker)).toBe(true);
    expect(await bot.telegram.getChatMember(supergroup, asker)).toMatchObject({ status: 'member' });
    await until(() => updatesOf('chat_member').some((update) => update.chat_member.new_chat_member.user.id === asker));
    expect(updatesOf('chat_member').at(-1)!.chat_member).toMatchObject({ from: { id: sim.bot.id }, via_join_request: true, invite_link: { invite_link } });
    expect(await errorOf(bot.telegram.approveChatJoinRequest(supergroup, asker))).toEqual([400, 'Bad Request: HIDE_REQUESTER_MISSING']);
    expect(await bot.telegram.declineChatJoinRequest(supergroup, refused)).toBe(true);
    expect(await bot.telegram.getChatMember(supergroup, refused)).toMatchObject({ status: 'left' });
    expect(await errorOf(bot.telegram.declineChatJoinRequest(supergroup, refused))).toEqual([400, 'Bad Request: HIDE_REQUESTER_MISSING']);
    // Processed: the window closes again.
    expect(await errorOf(bot.telegram.sendMessage(refused, 'still there?'))).toEqual([403, "Forbidden: bot can't initiate conversation with a user"]);
  });

  it('bans and unbans in supergroups with the Bot API’s checks, visible through getChatMember', async () => {
    const banned = sim.createUser({ firstName: 'Bo' }).id;
    const room = sim.createGroup({ title: 'Room', type: 'supergroup', creatorId: owner, adminIds: [admin], memberIds: [banned, member] }).id;
    expect(await bot.telegram.banChatMember(room, banned)).toBe(true);
    expect(await bot.telegram.getChatMember(room, banned)).toMatchObject({ status: 'kicked', until_date: 0 });
    const { invite_link } = await bot.telegram.createChatInviteLink(room, {});
    await expect(sim.user(banned).joinByLink(invite_link)).rejects.toThrow(/USER_BANNED_IN_CHANNEL/);
    expect(await bot.telegram.unbanChatMember(room, banned, { only_if_banned: true })).toBe(true);
    expect(await bot.telegram.getChatMember(room, banned)).toMatchObject({ status: 'left' });
    expect(await sim.user(banned).joinByLink(invite_link)).toMatchObject({ status: 'joined' });

    expect(await bot.telegram.unbanChatMember(room, member, { only_if_banned: true })).toBe(true);
    expect(await bot.telegram.getChatMember(room, member)).toMatchObject({ status: 'member' });
    expect(await bot.telegram.unbanChatMember(room, member)).toBe(true);
    expect(await bot.telegram.getChatMember(room, member)).toMatchObject({ status: 'left' });

    expect(await errorOf(bot.telegram.banChatMember(room, admin))).toEqual([400, 'Bad Request: user is an administrator of the chat']);
    expect(await errorOf(bot.telegram.banChatMember(room, owner))).toEqual([400, "Bad Request: can't remove chat owner"]);
    expect(await errorOf(bot.telegram.unbanChatMember(room, owner))).toEqual([400, "Bad Request: can't remove chat owner"]);
    const weak = sim.createGroup({ title: 'Weak', type: 'supergroup', creatorId: owner, memberIds: [banned], botRights: { can_restrict_members: false } }).id;
    expect(await errorOf(bot.telegram.banChatMember(weak, banned))).toEqual([400, NO_RIGHTS]);
    expect(await errorOf(bot.telegram.unbanChatMember(weak, banned))).toEqual([400, NO_RIGHTS]);
  });

  it('removes from basic groups without a ban list, refuses unban there, and bans in channels', async () => {
    const group = sim.createGroup({ title: 'Basic', creatorId: owner, memberIds: [member] }).id;
    expect(await bot.telegram.banChatMember(group, member)).toBe(true);
    expect(await bot.telegram.getChatMember(group, member)).toMatchObject({ status: 'left' });
    expect(await errorOf(bot.telegram.unbanChatMember(group, member))).toEqual([400, 'Bad Request: method is available for supergroup and channel chats only']);
    const channel = sim.createGroup({ title: 'News', type: 'channel', creatorId: owner, memberIds: [member] }).id;
    expect(await bot.telegram.banChatMember(channel, member)).toBe(true);
    expect(await bot.telegram.getChatMember(channel, member)).toMatchObject({ status: 'kicked' });
    expect(await bot.telegram.unbanChatMember(channel, member, { only_if_banned: true })).toBe(true);
    expect(await bot.telegram.getChatMember(channel, member)).toMatchObject({ status: 'left' });
  });

  it('migrates a basic group: service messages in both chats, and the old id answers migrate_to_chat_id', async () => {
    const old = sim.createGroup({ title: 'Growing', creatorId: owner, memberIds: [member] }).id;
    const next = sim.migrateToSupergroup(old);
    expect(next).toMatchObject({ type: 'supergroup', title: 'Growing', id: expect.any(Number) });
    expect(String(next.id)).toMatch(/^-100\d+$/);
    await until(() => updatesOf('message').some((update) => update.message.migrate_from_chat_id === old));
    const service = updatesOf('message').map((update) => update.message);
    expect(service).toContainEqual(expect.objectContaining({ chat: expect.objectContaining({ id: old }), migrate_to_chat_id: next.id }));
    expect(service).toContainEqual(expect.objectContaining({ chat: expect.objectContaining({ id: next.id }), migrate_from_chat_id: old }));
    await expect(bot.telegram.sendMessage(old, 'hello')).rejects.toMatchObject({
      code: 400,
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
      parameters: { migrate_to_chat_id: next.id },
    });
    expect(await errorOf(bot.telegram.getChatMember(old, member))).toEqual([400, 'Bad Request: group chat was upgraded to a supergroup chat']);
    expect(await bot.telegram.getChat(old)).toMatchObject({ id: old, type: 'group' });
    expect(await bot.telegram.getChatMember(next.id, member)).toMatchObject({ status: 'member' });
    expect((await bot.telegram.sendMessage(next.id, 'hello')).chat.id).toBe(next.id);
  });

  it('injects failures into the access methods too', async () => {
    sim.failNext({ method: 'createChatInviteLink', errorCode: 429, retryAfter: 5 });
    await expect(bot.telegram.createChatInviteLink(supergroup, {})).rejects.toMatchObject({ code: 429, description: 'Too Many Requests: retry after 5', parameters: { retry_after: 5 } });
    sim.failNext({ method: 'banChatMember', errorCode: 400 });
    expect(await errorOf(bot.telegram.banChatMember(supergroup, member))).toEqual([400, 'Bad Request: chat not found']);
    sim.failNext({ method: 'approveChatJoinRequest', errorCode: 502 });
    expect(await errorOf(bot.telegram.approveChatJoinRequest(supergroup, member))).toEqual([502, 'Bad Gateway']);
    expect(await bot.telegram.getChatMember(supergroup, member)).toMatchObject({ status: 'member' });
    expect(sim.callsTo('banChatMember').at(-1)).toMatchObject({ ok: false, errorCode: 400, params: { chat_id: supergroup, user_id: member } });
  });

  it('sends chat_member only to a bot that asked for it, as Telegram does', async () => {
    const quiet = await startTelegramSim();
    try {
      const user = quiet.createUser({ firstName: 'Q' }).id;
      const chat = quiet.createGroup({ title: 'Q', type: 'supergroup', creatorId: quiet.createUser({ firstName: 'O' }).id }).id;
      const telegram = new Telegram(quiet.token, { apiRoot: quiet.apiRoot });
      const { invite_link } = await telegram.createChatInviteLink(chat, {});
      await quiet.user(user).joinByLink(invite_link);
      const received = await telegram.getUpdates(0, 100, 0, undefined);
      expect(received.map(kind)).toEqual(['message']);
      expect(received[0]).toMatchObject({ message: { new_chat_members: [{ id: user }] } });
    } finally {
      await quiet.close();
    }
  });
});
