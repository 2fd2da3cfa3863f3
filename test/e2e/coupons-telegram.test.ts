import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAccessGateway } from '../../bots/telegram/access-gateway.ts';
import { createTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import { runLifecycle } from '../../core/access/lifecycle.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import type { CoreDeps } from '../../core/deps.ts';
import { entitlements, ledgerEntries, orders, platformIdentities, trials } from '../../core/db/schema/index.ts';
import { DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runner.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import type { SimTgMessage } from '../sim/telegram/types.ts';
import { silentLog } from '../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { createWorld, type World } from './world.ts';

const DAY_MS = 86_400_000;
const urlsOf = (message: SimTgMessage) => (message.reply_markup?.inline_keyboard.flat() ?? []).map((button) => (button as { url?: string }).url).filter((url): url is string => Boolean(url));

/**
 * Coupons and trials on Telegram Stars, through telegraf and the simulator: a coupon shared in
 * the group as a `t.me` deep link, the discounted price on the Stars invoice; and the Stars
 * trial, which Telegram does not have: free days granted at once, the invoice a day before
 * they end, a paid continuation or an expiry, and no second trial.
 */
describe('coupons and trials on Telegram Stars', () => {
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
    sim = await startTelegramSim({ botUsername: 'lyceum_coupon_bot' });
    admin = sim.createUser({ firstName: 'Olivia', languageCode: 'en' }).id;
    groupId = sim.createGroup({ title: 'Coupon Lounge', type: 'supergroup', creatorId: admin }).id;
    queues = createTestQueues();
    const telegram = createTelegramAccessGateway({ token: sim.token, apiRoot: sim.apiRoot, log: silentLog });
    world.clock.advance(Date.now() - world.clock.now().getTime());
    deps = { ...world.deps, queue: queues.queue, payments: { sandbox: false, stars: telegram }, access: { telegram } };
    workers = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 2, log: silentLog, schedulers: false });
    bot = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps, log: silentLog });
    await bot.start();
    await sim.user(admin).sendText(groupId, `/setup@lyceum_coupon_bot ${await world.linkCode()}`);
    await sim.waitForBotMessage(groupId);
    await world.makeCreator('telegram', String(admin));
  });
  afterAll(async () => {
    await bot?.close();
    await workers?.close(5_000);
    await queues?.close();
    await sim?.close();
    await world?.database.drop();
  });

  const newMember = async (name: string, payload: string = DEMO_COMMUNITY_SLUG) => {
    const id = sim.createUser({ firstName: name, languageCode: 'en' }).id;
    await sim.user(id).startBot(payload);
    await sim.waitForBotMessage(id);
    return id;
  };
  const memberIdOf = async (userId: number) => (await world.database.db.select().from(platformIdentities).where(eq(platformIdentities.platformUserId, String(userId))))[0]!.memberId;

  it('puts the coupon’s price on the Stars invoice opened from the link shared in the group', async () => {
    await sim.user(admin).sendText(groupId, '/coupon create STARS25 percent:25 products:python-bootcamp');
    await eventually(async () => [...sim.messages(groupId), ...sim.privateChatMessages(admin)].find((message) => message.text?.startsWith('Coupon STARS25 created')));
    const before = sim.messages(groupId).length;
    await sim.user(admin).sendText(groupId, '/coupon share STARS25');
    const offer = await eventually(async () => sim.messages(groupId).slice(before).find((message) => message.fromBot && urlsOf(message).length));
    expect(offer.text).toContain('STARS25: 25% off');
    const link = urlsOf(offer)[0]!;
    expect(link).toMatch(/^https:\/\/t\.me\/lyceum_coupon_bot\?start=cp[0-9a-f]{32}$/);

    const buyer = await newMember('Mia', new URL(link).searchParams.get('start')!);
    const invoice = await eventually(async () => sim.privateChatMessages(buyer).find((message) => message.invoice));
    expect(invoice.invoice).toMatchObject({ currency: 'XTR', total_amount: 3750 });
    expect((await sim.user(buyer).payInvoice(invoice)).status).toBe('paid');
    const memberId = await memberIdOf(buyer);
    const [order] = await eventually(async () => {
      const rows = await world.database.db.select().from(orders).where(and(eq(orders.memberId, memberId), eq(orders.status, 'paid')));
      return rows.length ? rows : undefined;
    });
    expect(order).toMatchObject({ amount: 3750, listAmount: 5000, currency: 'XTR' });
    expect(await world.database.db.select({ amount: ledgerEntries.amount }).from(ledgerEntries).where(eq(ledgerEntries.orderId, order!.id))).toEqual([{ amount: 3750 }]);
  });

  it('grants free days on Stars, invoices a day before they end, and converts on payment or expires', async () => {
    const db = world.database.db;
    const payer = await newMember('Lin');
    const leaver = await newMember('Ola');
    for (const user of [payer, leaver]) {
      await sim.user(user).sendPrivate('/buy all-access');
      await eventually(async () => sim.privateChatMessages(user).find((message) => message.text?.startsWith('Your free trial of All-Access Membership has started')));
    }
    expect(sim.callsTo('createInvoiceLink')).toHaveLength(0);
    const payerId = await memberIdOf(payer);
    const leaverId = await memberIdOf(leaver);
    expect(await db.select({ source: entitlements.source, status: entitlements.status }).from(entitlements).where(eq(entitlements.memberId, payerId))).toEqual([{ source: 'trial', status: 'active' }]);

    world.clock.advance(6.5 * DAY_MS);
    await runLifecycle(deps);
    await runLifecycle(deps);
    expect(sim.callsTo('createInvoiceLink').map((call) => (call.params as { prices: Array<{ amount: number }> }).prices[0]!.amount)).toEqual([1500, 1500]);
    const invoiceLink = await eventually(async () => sim.privateChatMessages(payer).flatMap(urlsOf).find((url) => url.startsWith('https://t.me/$')));
    expect(sim.privateChatMessages(payer).some((message) => message.text?.includes('Your trial of All-Access Membership ends soon'))).toBe(true);
    expect((await sim.user(payer).payInvoice(invoiceLink)).status).toBe('paid');
    await eventually(async () => ((await db.select().from(trials).where(eq(trials.memberId, payerId)))[0]?.status === 'converted' ? true : undefined));

    world.clock.advance(DAY_MS);
    await runLifecycle(deps);
    const statuses = async (memberId: string) => (await db.select({ source: entitlements.source, status: entitlements.status }).from(entitlements).where(eq(entitlements.memberId, memberId))).map((row) => `${row.source}:${row.status}`).sort();
    expect(await statuses(payerId)).toEqual(['subscription:active', 'trial:expired']);
    expect(await statuses(leaverId)).toEqual(['trial:expired']);
    expect((await db.select().from(trials).where(eq(trials.memberId, leaverId)))[0]?.status).toBe('expired');

    // No second trial: the same member is asked to pay at once.
    const links = sim.callsTo('createInvoiceLink').length;
    await sim.user(leaver).sendPrivate('/buy all-access');
    await eventually(async () => (sim.callsTo('createInvoiceLink').length === links + 1 ? true : undefined));
    expect(await statuses(leaverId)).toEqual(['trial:expired']);
  });
});
