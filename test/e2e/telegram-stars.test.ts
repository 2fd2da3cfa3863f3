import { and, eq, sql } from 'drizzle-orm';
import { Telegraf, Telegram } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAccessGateway } from '../../bots/telegram/access-gateway.ts';
import { createTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import type { CoreDeps } from '../../core/deps.ts';
import {
  accessGrants,
  entitlements,
  ledgerEntries,
  orders,
  platformIdentities,
  products,
  subscriptions,
} from '../../core/db/schema/index.ts';
import { refundOrder } from '../../core/commerce/refund-order.ts';
import { DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runner.ts';
import { silentLog } from '../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import type { SimTgMessage } from '../sim/telegram/types.ts';
import { createWorld, type World } from './world.ts';

/**
 * Telegram Stars end to end: telegraf against the simulator, the pre-checkout answered by the
 * bot, the payment credited through the payments worker, the paid group reached through a
 * single-use invite link sent by the access worker, and a refund that takes it all back.
 */
describe('Telegram Stars checkout', () => {
  let world: World;
  let sim: TelegramSim;
  let bot: TelegramBot;
  let queues: TestQueues;
  let workers: WorkerRuntime;
  let deps: CommandDeps & Pick<CoreDeps, 'access'>;
  let groupId: number;
  let admin: number;

  beforeAll(async () => {
    world = await createWorld();
    sim = await startTelegramSim({ botUsername: 'lyceum_test_bot' });
    admin = sim.createUser({ firstName: 'Olivia', languageCode: 'en' }).id;
    groupId = sim.createGroup({ title: 'Bootcamp Lounge', type: 'supergroup', creatorId: admin }).id;
    queues = createTestQueues();
    const telegram = createTelegramAccessGateway({ token: sim.token, apiRoot: sim.apiRoot, log: silentLog });
    // The simulator checks invite expiry against real time: bring the world's clock to now.
    world.clock.advance(Date.now() - world.clock.now().getTime());
    deps = { ...world.deps, queue: queues.queue, payments: { sandbox: false, stars: telegram }, access: { telegram } };
    workers = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 2, log: silentLog, schedulers: false });
    bot = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps, log: silentLog });
    await bot.start();
    // Link the group to the demo community and make the bootcamp grant a seat in it.
    await sim.user(admin).sendText(groupId, `/setup@lyceum_test_bot ${await world.linkCode()}`);
    await sim.waitForBotMessage(groupId);
    await world.sellTelegramChat(groupId);
  });
  afterAll(async () => {
    await bot?.close();
    await workers?.close(5_000);
    await queues?.close();
    await sim?.close();
    await world?.database.drop();
  });

  const newMember = async (name: string) => {
    const id = sim.createUser({ firstName: name, languageCode: 'en' }).id;
    await sim.user(id).startBot(DEMO_COMMUNITY_SLUG);
    await sim.waitForBotMessage(id);
    return id;
  };
  const invoiceFor = async (userId: number): Promise<SimTgMessage> => {
    await sim.user(userId).sendPrivate('/buy python-bootcamp');
    return eventually(async () => sim.privateChatMessages(userId).find((message) => message.invoice));
  };
  /** The first Stars order for the bootcamp (the first test's buyer). */
  const firstStarsOrder = async () => {
    const db = world.database.db;
    const [row] = await db
      .select({ order: orders })
      .from(orders)
      .innerJoin(products, eq(products.id, orders.productId))
      .where(and(eq(products.slug, 'python-bootcamp'), eq(orders.provider, 'telegram_stars')))
      .orderBy(orders.createdAt);
    return row?.order;
  };

  it('sells for Stars: invoice, pre-checkout, payment credited once, a single-use link into the paid group', async () => {
    const buyer = await newMember('Mia');
    const invoice = await invoiceFor(buyer);
    expect(invoice.invoice).toMatchObject({ currency: 'XTR', total_amount: 5000 });
    const paid = await sim.user(buyer).payInvoice(invoice);
    expect(paid.status).toBe('paid');
    const order = await eventually(async () => {
      const row = await firstStarsOrder();
      return row?.status === 'paid' ? row : undefined;
    });
    expect(await world.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, order.id))).toMatchObject([{ kind: 'charge', amount: 5000, currency: 'XTR' }]);
    expect(await world.database.db.select().from(entitlements).where(eq(entitlements.orderId, order.id))).toMatchObject([{ status: 'active' }]);

    const urlOf = (message: SimTgMessage) => message.reply_markup?.inline_keyboard.flat().map((button) => (button as { url?: string }).url).find(Boolean);
    const invite = await eventually(async () => sim.privateChatMessages(buyer).find((message) => message.text?.startsWith('Your access to Bootcamp Lounge is ready')));
    const link = urlOf(invite)!;
    expect(sim.callsTo('createChatInviteLink')).toMatchObject([{ ok: true, params: { chat_id: String(groupId), member_limit: 1 } }]);
    expect(await sim.user(buyer).joinByLink(link)).toMatchObject({ status: 'joined', chatId: groupId });
    await eventually(async () => {
      const [grant] = await world.database.db.select().from(accessGrants).where(eq(accessGrants.memberId, order.memberId));
      return grant?.observed === 'present' ? true : undefined;
    });
    const stranger = sim.createUser({ firstName: 'Leaker' }).id;
    await expect(sim.user(stranger).joinByLink(link)).rejects.toThrow(/INVITE_HASH_EXPIRED/);
  });

  it('lets a member who left get back in from /my with a fresh single-use link', async () => {
    const buyer = await newMember('Rui');
    expect((await sim.user(buyer).payInvoice(await invoiceFor(buyer))).status).toBe('paid');
    const inviteText = 'Your access to Bootcamp Lounge is ready';
    const links = () => sim.privateChatMessages(buyer).filter((message) => message.text?.startsWith(inviteText)).map((message) => (message.reply_markup!.inline_keyboard.flat() as Array<{ url?: string }>).find((button) => button.url)!.url!);
    await eventually(async () => (links().length === 1 ? true : undefined));
    await sim.user(buyer).joinByLink(links()[0]!);
    await sim.user(buyer).leaveChat(groupId);
    const db = world.database.db;
    const [identity] = await db.select().from(platformIdentities).where(eq(platformIdentities.platformUserId, String(buyer)));
    await eventually(async () => {
      const [grant] = await db.select().from(accessGrants).where(eq(accessGrants.memberId, identity!.memberId));
      return grant?.observed === 'absent' ? true : undefined;
    });
    await sim.user(buyer).sendPrivate('/my');
    const mine = await eventually(async () => sim.privateChatMessages(buyer).find((message) => message.text?.startsWith('Your purchases')));
    const restore = (mine.reply_markup!.inline_keyboard.flat() as Array<{ text: string; callback_data?: string }>).find((button) => button.text === 'Get my access back')!;
    await sim.user(buyer).pressButton(mine, restore.callback_data!);
    await eventually(async () => (links().length === 2 ? true : undefined));
    expect(links()[1]).not.toBe(links()[0]);
    expect(await sim.user(buyer).joinByLink(links()[1]!)).toMatchObject({ status: 'joined' });
  });

  it('repairs "我付了钱但是进不了群" from the private chat: the blocked seat is found, applied again and explained', async () => {
    // The bot lost its admin rights before the payment: the seat cannot be given.
    sim.addBot(admin, groupId, 'member');
    const buyer = sim.createUser({ firstName: 'Lin', languageCode: 'zh' }).id;
    await sim.user(buyer).startBot(DEMO_COMMUNITY_SLUG);
    await sim.waitForBotMessage(buyer);
    await sim.user(buyer).sendPrivate('/buy python-bootcamp');
    const invoice = await eventually(async () => sim.privateChatMessages(buyer).find((message) => message.invoice));
    expect((await sim.user(buyer).payInvoice(invoice)).status).toBe('paid');
    const db = world.database.db;
    const [identity] = await eventually(async () => {
      const rows = await db.select().from(platformIdentities).where(eq(platformIdentities.platformUserId, String(buyer)));
      return rows.length ? rows : undefined;
    });
    const grantOf = async () => (await db.select().from(accessGrants).where(eq(accessGrants.memberId, identity!.memberId)))[0];
    await eventually(async () => ((await grantOf())?.blockedAt ? true : undefined));

    // The creator fixes the rights; the member asks the assistant, in Chinese.
    sim.addBot(admin, groupId);
    const before = sim.privateChatMessages(buyer).length;
    await sim.user(buyer).sendPrivate('我付了钱但是进不了群');
    const answer = await eventually(async () => sim.privateChatMessages(buyer).slice(before).find((message) => message.fromBot && message.text?.includes('你的权限')));
    expect(answer.text).toContain('为 Python Bootcamp 支付的 ⭐');
    expect(answer.text).toContain('你在 Bootcamp Lounge 的席位尚未生效（上次尝试：the bot is not an admin with the right to invite and remove members in this chat）；新的一次性邀请链接正通过私信发给你。');
    const invite = await eventually(async () => sim.privateChatMessages(buyer).slice(before).find((message) => message.reply_markup?.inline_keyboard.flat().some((button) => 'url' in button)));
    const link = (invite.reply_markup!.inline_keyboard.flat() as Array<{ url?: string }>).find((button) => button.url)!.url!;
    expect(await sim.user(buyer).joinByLink(link)).toMatchObject({ status: 'joined' });
    expect(await grantOf()).toMatchObject({ blockedAt: null, observed: 'invited' });
  });

  it('removes someone who let themselves in through a leaked link without an entitlement, and only them', async () => {
    const telegram = new Telegram(sim.token, { apiRoot: sim.apiRoot, webhookReply: false });
    const leaked = (await telegram.createChatInviteLink(groupId, { name: 'shared somewhere' })).invite_link;
    const bans = () => sim.callsTo('banChatMember').length;
    const before = bans();
    const intruder = sim.createUser({ firstName: 'Intruder' }).id;
    await sim.user(intruder).joinByLink(leaked);
    await eventually(async () => (sim.memberStatus(groupId, intruder) === 'left' && bans() === before + 1 ? true : undefined));
    expect(sim.callsTo('unbanChatMember').at(-1)).toMatchObject({ ok: true, params: { user_id: intruder, only_if_banned: true } });
    // An entitled member using the same link stays.
    const buyer = await newMember('Ola');
    expect((await sim.user(buyer).payInvoice(await invoiceFor(buyer))).status).toBe('paid');
    await eventually(async () => (sim.privateChatMessages(buyer).some((message) => message.text?.startsWith('Your access to Bootcamp Lounge')) ? true : undefined));
    await sim.user(buyer).joinByLink(leaked);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sim.memberStatus(groupId, buyer)).toBe('member');
    expect(bans()).toBe(before + 1);
  });

  it('approves join requests from entitled members only, and tells the others where to buy', async () => {
    const stranger = sim.createUser({ firstName: 'Stranger', languageCode: 'en' }).id;
    await sim.user(stranger).requestToJoin(groupId);
    await eventually(async () => (sim.callsTo('declineChatJoinRequest').length === 1 ? true : undefined));
    expect(sim.memberStatus(groupId, stranger)).not.toBe('member');
    const told = await eventually(async () => sim.privateChatMessages(stranger).find((message) => message.text?.includes('paying members')));
    expect(told.text).toBe('This chat is for paying members of Lyceum Demo Academy. Open the bot to see how to join.');

    const buyer = await newMember('Ana');
    expect((await sim.user(buyer).payInvoice(await invoiceFor(buyer))).status).toBe('paid');
    await eventually(async () => (sim.privateChatMessages(buyer).some((message) => message.text?.startsWith('Your access to Bootcamp Lounge')) ? true : undefined));
    await sim.user(buyer).requestToJoin(groupId);
    await eventually(async () => (sim.memberStatus(groupId, buyer) === 'member' ? true : undefined));
    expect(sim.callsTo('approveChatJoinRequest')).toHaveLength(1);
  });

  it('sells a monthly Stars subscription by invoice link; each renewal is one more charge and a later end', async () => {
    // The plan without its free week here: trials on Stars have their own test (coupons-trials).
    await world.database.db.update(products).set({ trialDays: 0 }).where(eq(products.slug, 'all-access'));
    const buyer = await newMember('Lin');
    await sim.user(buyer).sendPrivate('/buy all-access');
    const linkMessage = await eventually(async () => sim.privateChatMessages(buyer).find((message) => message.reply_markup?.inline_keyboard.flat().some((button) => (button as { url?: string }).url?.startsWith('https://t.me/$'))));
    const link = (linkMessage.reply_markup!.inline_keyboard.flat() as Array<{ url?: string }>).find((button) => button.url)!.url!;
    expect(sim.callsTo('createInvoiceLink')).toMatchObject([{ ok: true, params: { currency: 'XTR', subscription_period: 2_592_000, prices: [{ amount: 1500 }] } }]);
    const paid = await sim.user(buyer).payInvoice(link);
    if (paid.status !== 'paid') throw new Error(`payment ${paid.status}`);
    const db = world.database.db;
    const owned = async () => {
      const [row] = await db
        .select({ entitlement: entitlements, charges: sql<number>`(select count(*)::int from ${ledgerEntries} where ${ledgerEntries.orderId} = ${orders.id})` })
        .from(entitlements)
        .innerJoin(subscriptions, eq(subscriptions.id, entitlements.subscriptionId))
        .innerJoin(orders, eq(orders.id, subscriptions.orderId))
        .where(and(eq(orders.provider, 'telegram_stars'), eq(orders.memberId, entitlementsOwner)));
      return row;
    };
    const [identity] = await db.select().from(platformIdentities).where(eq(platformIdentities.platformUserId, String(buyer)));
    const entitlementsOwner = identity!.memberId;
    const first = await eventually(async () => ((await owned())?.charges === 1 ? owned() : undefined));
    expect(first!.entitlement).toMatchObject({ source: 'subscription', status: 'active' });
    sim.renewStarSubscription({ chargeId: paid.chargeId });
    const renewed = await eventually(async () => ((await owned())?.charges === 2 ? owned() : undefined));
    expect(renewed!.entitlement.endsAt!.getTime()).toBeGreaterThan(first!.entitlement.endsAt!.getTime());

    // /cancel: Telegram is told to stop renewing (once), access stays until the period ends.
    await sim.user(buyer).sendPrivate('/cancel');
    await eventually(async () => sim.privateChatMessages(buyer).find((message) => message.text?.startsWith('Your All-Access Membership will not renew. You keep access until ')));
    expect(sim.callsTo('editUserStarSubscription')).toMatchObject([{ ok: true, params: { telegram_payment_charge_id: paid.chargeId, is_canceled: true } }]);
    expect((await owned())!.entitlement.status).toBe('active');

    // Refunded: both charges go back and access ends; Telegram was already told to stop.
    const [order] = await db.select().from(orders).where(and(eq(orders.provider, 'telegram_stars'), eq(orders.memberId, entitlementsOwner)));
    await refundOrder({ ...deps }, { orderId: order!.id, reason: 'test' });
    expect(sim.callsTo('editUserStarSubscription')).toHaveLength(1);
    await eventually(async () => ((await owned())?.entitlement.status === 'revoked' ? true : undefined));
    expect(sim.starCharges().filter((charge) => charge.payload === order!.id).map((charge) => charge.refunded)).toEqual([true, true]);
  });

  it('credits a payment whose update was acknowledged but never handled, through the Stars sweep', async () => {
    const buyer = await newMember('Kai');
    const invoice = await invoiceFor(buyer);
    // Lyceum "crashes" after Telegram counts the successful_payment update as delivered: a bare
    // bot answers the pre-checkout and swallows the rest.
    await bot.close();
    const crashed = new Telegraf(sim.token, { telegram: { apiRoot: sim.apiRoot, webhookReply: false } });
    crashed.on('pre_checkout_query', (ctx) => ctx.answerPreCheckoutQuery(true));
    await new Promise<void>((resolve) => void crashed.launch({ allowedUpdates: ['message', 'pre_checkout_query'] }, resolve));
    const paid = await sim.user(buyer).payInvoice(invoice);
    if (paid.status !== 'paid') throw new Error(`payment ${paid.status}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    crashed.stop();
    bot = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps, log: silentLog });
    await bot.start();
    const db = world.database.db;
    const [charge] = await db.select().from(ledgerEntries).where(eq(ledgerEntries.providerRef, paid.chargeId));
    expect(charge).toBeUndefined();

    await Promise.all([queues.queue.enqueue('payments.sweep-stars-payments', {}), queues.queue.enqueue('payments.sweep-stars-payments', {})]);
    const credited = await eventually(async () => (await db.select().from(ledgerEntries).where(eq(ledgerEntries.providerRef, paid.chargeId)))[0]);
    expect(credited).toMatchObject({ kind: 'charge', amount: 5000, currency: 'XTR' });
    await queues.queue.enqueue('payments.sweep-stars-payments', {});
    await eventually(async () => (sim.privateChatMessages(buyer).some((message) => message.text?.startsWith('Your access to Bootcamp Lounge')) ? true : undefined));
    expect(await db.select().from(ledgerEntries).where(eq(ledgerEntries.providerRef, paid.chargeId))).toHaveLength(1);
  });

  it('declines the pre-checkout for an archived product or a changed price, with the reason', async () => {
    const buyer = await newMember('Noor');
    const invoice = await invoiceFor(buyer);
    const db = world.database.db;
    await db.update(products).set({ starsPrice: 6000 }).where(eq(products.slug, 'python-bootcamp'));
    expect(await sim.user(buyer).payInvoice(invoice)).toEqual({ status: 'declined', errorMessage: expect.stringMatching(/price has changed/) });
    await db.update(products).set({ starsPrice: 5000, active: false }).where(eq(products.slug, 'python-bootcamp'));
    expect(await sim.user(buyer).payInvoice(invoice)).toEqual({ status: 'declined', errorMessage: expect.stringMatching(/no longer on sale/) });
    await db.update(products).set({ active: true }).where(eq(products.slug, 'python-bootcamp'));
  });

  it('refunds Stars on /refund: refundStarPayment once, the entitlement revoked, the member removed from the group', async () => {
    const db = world.database.db;
    const paid = await firstStarsOrder();
    // The group's admin is the community's creator for this test.
    await sim.user(admin).startBot(DEMO_COMMUNITY_SLUG);
    await sim.waitForBotMessage(admin);
    await world.makeCreator('telegram', String(admin));
    await sim.user(admin).sendPrivate(`/refund ${paid!.id.slice(0, 8)} asked nicely`);
    await eventually(async () => {
      const [row] = await db.select().from(orders).where(eq(orders.id, paid!.id));
      return row?.status === 'refunded' ? row : undefined;
    });
    const refunds = sim.callsTo('refundStarPayment').filter((call) => (call.params as { telegram_payment_charge_id: string }).telegram_payment_charge_id === paid!.providerPaymentId);
    expect(refunds).toHaveLength(1);
    expect((await db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, paid!.id))).map((row) => row.kind).sort()).toEqual(['charge', 'refund']);
    expect(await db.select().from(entitlements).where(eq(entitlements.orderId, paid!.id))).toMatchObject([{ status: 'revoked' }]);
    const grant = await eventually(async () => {
      const [row] = await db.select().from(accessGrants).where(eq(accessGrants.memberId, paid!.memberId));
      return row?.observed === 'absent' ? row : undefined;
    });
    expect(grant.desired).toBe('absent');
    const [buyerIdentity] = await db.select().from(platformIdentities).where(eq(platformIdentities.memberId, paid!.memberId));
    const about = (method: string) => sim.callsTo(method).filter((call) => String((call.params as { user_id: unknown }).user_id) === buyerIdentity!.platformUserId);
    expect(about('banChatMember')).toHaveLength(1);
    expect(about('unbanChatMember')).toHaveLength(1);
  });
});
