import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAccessGateway } from '../../bots/discord/access-gateway.ts';
import { type DiscordBot, startDiscordBot } from '../../bots/discord/discord-bot.ts';
import type { HttpServer } from '../../bots/http/server.ts';
import { createStripeGateway } from '../../bots/stripe/stripe-gateway.ts';
import type { CoreDeps } from '../../core/deps.ts';
import { accessGrants, ledgerEntries, orders, platformSpaces, productGrants, products } from '../../core/db/schema/index.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runner.ts';
import { silentLog } from '../support/fakes.ts';
import { startStripeWebhookServer } from '../support/stripe-webhooks.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { type DiscordSim, type SimMessage, startDiscordSim } from '../sim/discord/index.ts';
import { startStripeSim, type StripeSim } from '../sim/stripe/index.ts';
import { createWorld, type World } from './world.ts';

const ROLE_ROUTE = '/guilds/:id/members/:id/roles/:id';
type Component = { type: number; style?: number; label?: string; url?: string };

/**
 * The whole road on Discord with Stripe: a member buys a monthly membership with /buy, pays on
 * the (simulated) Stripe Checkout page, and the signed webhooks, delivered three times each,
 * give the role once; the cancellation at the end takes it away once.
 */
describe('Discord subscription paid with Stripe', () => {
  let world: World;
  let discord: DiscordSim;
  let stripe: StripeSim;
  let queues: TestQueues;
  let workers: WorkerRuntime;
  let http: HttpServer;
  let bot: DiscordBot;
  let guildId: string;
  let member: string;
  let roleId: string;
  let subscriptionId: string;

  beforeAll(async () => {
    world = await createWorld();
    world.clock.advance(Date.now() - world.clock.now().getTime());
    discord = await startDiscordSim();
    stripe = await startStripeSim({ retryDelaysMs: [20, 50, 100] });
    queues = createTestQueues();
    const deps: CoreDeps = {
      ...world.deps,
      queue: queues.queue,
      payments: { sandbox: false, stripe: createStripeGateway({ secretKey: stripe.secretKey, apiUrl: stripe.url, returnUrl: 'http://127.0.0.1/checkout/return' }) },
      access: { discord: createDiscordAccessGateway({ token: discord.botToken, apiUrl: discord.apiUrl, log: silentLog }) },
    };
    workers = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 2, log: silentLog, schedulers: false });
    http = await startStripeWebhookServer(stripe, deps, silentLog);

    const owner = discord.createUser({ username: 'olivia' }).id;
    member = discord.createUser({ username: 'mia' }).id;
    ({ id: guildId } = discord.createGuild({ name: 'Makers', ownerId: owner }));
    discord.addMember(guildId, member);
    roleId = discord.createRole(guildId, { name: 'Members' }).id;
    bot = await startDiscordBot({ token: discord.botToken, applicationId: discord.applicationId, apiUrl: discord.apiUrl, deps, log: silentLog });
    await bot.ready;
    await (await discord.user(owner).slashCommand(guildId, 'setup', { code: await world.linkCode() })).reply();
    // The demo's monthly membership, without its trial so the first payment is taken now, grants the role.
    const db = world.database.db;
    const [space] = await db.select().from(platformSpaces).where(eq(platformSpaces.externalId, guildId));
    const [membership] = await db.update(products).set({ trialDays: 0 }).where(eq(products.slug, 'all-access')).returning();
    await db.insert(productGrants).values({ communityId: world.communityId, productId: membership!.id, kind: 'discord_role', spaceId: space!.id, resourceId: roleId });
  });
  afterAll(async () => {
    await bot?.close();
    await http?.close();
    await workers?.close(5_000);
    await queues?.close();
    await stripe?.close();
    await discord?.close();
    await world?.database.drop();
  });

  const roleCalls = () => discord.calls.filter((call) => call.route === ROLE_ROUTE).map((call) => call.method);

  it('opens a Stripe Checkout link only the buyer sees, and gives the role once when Stripe confirms', async () => {
    const checkout: SimMessage = await (await discord.user(member).slashCommand(guildId, 'buy', { product: 'all-access' })).reply();
    expect(checkout.ephemeral).toBe(true);
    const link = (checkout.components as Array<{ components: Component[] }>).flatMap((row) => row.components).find((component) => component.style === 5);
    expect(link?.url).toMatch(new RegExp(`^${stripe.url}/`));
    const [order] = await world.database.db.select().from(orders).where(eq(orders.provider, 'stripe'));
    const session = stripe.session(order!.providerCheckoutId!);
    expect(session).toMatchObject({ mode: 'subscription', client_reference_id: order!.id, url: link!.url });

    stripe.webhooks.deliverTimes(3);
    subscriptionId = stripe.completeCheckout(session!.id).subscriptionId!;
    await eventually(async () => (discord.memberRoles(guildId, member).includes(roleId) ? true : undefined));
    await stripe.webhooks.idle();
    const dm = await eventually(async () => discord.dmMessages(member).find((message) => message.authorId === discord.botUser.id));
    expect(dm.content).toBe('You now have access in Makers. Enjoy!');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(roleCalls()).toEqual(['PUT']);
    const ledger = await world.database.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.orderId, order!.id)));
    expect(ledger.map((row) => `${row.kind}:${row.amount}:${row.currency}`)).toEqual(['charge:2900:USD']);
  });

  it('gives the role back to a member who left the server and came back', async () => {
    discord.removeMember(guildId, member);
    await eventually(async () => {
      const [grant] = await world.database.db.select().from(accessGrants).where(eq(accessGrants.resourceId, roleId));
      return grant?.observed === 'absent' ? true : undefined;
    });
    discord.addMember(guildId, member);
    await eventually(async () => (discord.memberRoles(guildId, member).includes(roleId) ? true : undefined));
    expect(roleCalls()).toEqual(['PUT', 'PUT']);
  });

  it('keeps the role through a failed renewal and sends the member an "Update payment" link', async () => {
    stripe.failRenewal(subscriptionId);
    const notice = await eventually(async () => discord.dmMessages(member).find((message) => message.content.startsWith('Your payment for All-Access Membership did not go through')));
    const link = (notice.components as Array<{ components: Component[] }>).flatMap((row) => row.components).find((component) => component.style === 5);
    expect(link).toMatchObject({ label: 'Update payment' });
    expect(link!.url).toMatch(/^http/);
    expect(discord.memberRoles(guildId, member)).toContain(roleId);
  });

  it('takes the role away once when the subscription is cancelled', async () => {
    stripe.cancelSubscription(subscriptionId);
    await eventually(async () => (discord.memberRoles(guildId, member).length === 0 ? true : undefined));
    await stripe.webhooks.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(roleCalls()).toEqual(['PUT', 'PUT', 'DELETE']);
  });
});
