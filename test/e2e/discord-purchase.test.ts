import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAccessGateway } from '../../bots/discord/access-gateway.ts';
import { type DiscordBot, startDiscordBot } from '../../bots/discord/discord-bot.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import { accessGrants, orders, products } from '../../core/db/schema/index.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runner.ts';
import { commandDeps } from '../support/core-deps.ts';
import { silentLog } from '../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { type DiscordSim, type SimMessage, type SimRole, startDiscordSim } from '../sim/discord/index.ts';
import { createWorld, type World } from './world.ts';

const ROLE_ROUTE = '/guilds/:id/members/:id/roles/:id';
const MANAGE_ROLES = 1n << 28n;

type Component = { type: number; style?: number; label?: string; custom_id?: string; url?: string };
const componentsOf = (message: SimMessage): Component[] => message.components.flatMap((row: { components: Component[] }) => row.components);
const buttonId = (message: SimMessage, label: string) => {
  const id = componentsOf(message).find((c) => c.type === 2 && c.label === label)?.custom_id;
  if (!id) throw new Error(`no button "${label}" in ${JSON.stringify(message.components)}`);
  return id;
};
const embed = (message: SimMessage) => message.embeds[0] as { title?: string; description?: string; fields?: Array<{ name: string; value: string }> };

/**
 * A purchase on Discord from the first command to the role: a creator puts a role on sale with
 * /product, a member buys it with /buy and the sandbox Pay button, and the real payments and
 * access workers give the role once (through the REST access gateway) and say so in a DM.
 */
describe('Discord purchase (bot, workers and access gateway against the simulator)', () => {
  let world: World;
  let queues: TestQueues;
  let deps: CommandDeps;
  let sim: DiscordSim;
  let bot: DiscordBot;
  let workers: WorkerRuntime;
  let guildId: string;
  let botRoleId: string;
  let creator: string;
  let buyer: string;
  let otherMember: string;
  let clubRole: SimRole;
  let payButton: { message: SimMessage; customId: string };

  beforeAll(async () => {
    world = await createWorld();
    queues = createTestQueues();
    deps = commandDeps(world.database.db, { clock: world.clock, queue: queues.queue, payments: { sandbox: true } });
    sim = await startDiscordSim();
    creator = sim.createUser({ username: 'olivia' }).id;
    buyer = sim.createUser({ username: 'mia' }).id;
    otherMember = sim.createUser({ username: 'noah' }).id;
    ({ id: guildId, botRoleId } = sim.createGuild({ name: 'Makers', ownerId: creator }));
    for (const user of [buyer, otherMember]) sim.addMember(guildId, user);
    clubRole = sim.createRole(guildId, { name: 'Club' });

    bot = await startDiscordBot({ token: sim.botToken, applicationId: sim.applicationId, apiUrl: sim.apiUrl, deps, log: silentLog });
    await bot.ready;
    const access = { discord: createDiscordAccessGateway({ token: sim.botToken, apiUrl: sim.apiUrl, log: silentLog }) };
    workers = await startWorkers({ ...deps, access }, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 2, log: silentLog, schedulers: false });

    // The server owner links the guild to the demo community, and is made one of its creators.
    await (await sim.user(creator).slashCommand(guildId, 'setup', { code: await world.linkCode() })).reply();
    await world.makeCreator('discord', creator);
  });
  afterAll(async () => {
    await workers?.close(5_000);
    await bot?.close();
    await sim?.close();
    await queues?.close();
    await world?.database.drop();
  });

  it('lets a creator put a server role on sale with /product create role:@Role, privately', async () => {
    const reply = await (await sim.user(creator).slashCommand(guildId, 'product create', { name: 'Makers Club', price: '25', interval: 'none', role: clubRole.id })).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('Created Makers Club (makers-club): $25.00.');
    const [product] = await world.database.db.select().from(products).where(and(eq(products.communityId, world.communityId), eq(products.slug, 'makers-club')));
    expect(product).toMatchObject({ priceAmount: 2500, currency: 'USD', kind: 'one_time' });
  });

  it('suggests products while typing: on sale for /buy, archived ones too for a creator’s /product', async () => {
    const forBuyer = await sim.user(buyer).autocomplete(guildId, 'buy', { product: 'club' }, 'product');
    expect(forBuyer).toEqual([{ name: 'Makers Club', value: 'makers-club' }]);
    await world.database.db.update(products).set({ active: false }).where(eq(products.slug, 'python-bootcamp'));
    try {
      expect((await sim.user(buyer).autocomplete(guildId, 'buy', { product: 'python' }, 'product'))).toEqual([]);
      const forCreator = await sim.user(creator).autocomplete(guildId, 'product archive', { product: 'python' }, 'product');
      expect(forCreator).toEqual([{ name: 'Python Bootcamp', value: 'python-bootcamp' }]);
    } finally {
      await world.database.db.update(products).set({ active: true }).where(eq(products.slug, 'python-bootcamp'));
    }
  });

  it('refuses a role above the bot’s own, saying how to fix it, and creates nothing', async () => {
    const moderators = sim.createRole(guildId, { name: 'Moderators' });
    sim.setRolePosition(guildId, moderators.id, 10);
    const reply = await (await sim.user(creator).slashCommand(guildId, 'product create', { name: 'Mod Pass', price: '5', role: moderators.id })).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe("Lyceum cannot grant that role. The role sits at or above the bot's own highest role: in Server Settings > Roles, drag the bot's role above it.");
    const slugs = (await world.database.db.select({ slug: products.slug }).from(products).where(eq(products.communityId, world.communityId))).map((row) => row.slug);
    expect(slugs).not.toContain('mod-pass');
  });

  it('refuses managed roles, @everyone, and any role while the bot lacks Manage Roles', async () => {
    const create = async (roleId: string) =>
      (await (await sim.user(creator).slashCommand(guildId, 'product create', { name: 'Some Pass', price: '5', role: roleId })).reply()).content;
    const booster = sim.createRole(guildId, { name: 'Booster', managed: true });
    expect(await create(booster.id)).toContain('managed by an integration');
    expect(await create(guildId)).toContain('@everyone belongs to every member already.');
    const granted = BigInt(sim.roles(guildId).find((role) => role.id === botRoleId)!.permissions);
    sim.setBotPermissions(guildId, granted & ~MANAGE_ROLES);
    try {
      expect(await create(clubRole.id)).toContain('The bot lacks the Manage Roles permission');
    } finally {
      sim.setBotPermissions(guildId, granted);
    }
  });

  it('refuses /product to a plain member (core RBAC), though Discord shows it to everyone', async () => {
    const reply = await (await sim.user(buyer).slashCommand(guildId, 'product create', { name: 'Free Stuff', price: '0', role: clubRole.id })).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('You do not have permission to do that.');
  });

  it('lists products with Buy buttons, and opens a checkout only the buyer sees', async () => {
    const list = await (await sim.user(buyer).slashCommand(guildId, 'buy')).reply();
    expect(list.ephemeral).toBe(true);
    expect(embed(list).title).toBe('Memberships and courses for sale');
    expect(embed(list).fields?.map((field) => field.name)).toContain('Makers Club');
    const checkout = await (await sim.user(buyer).clickButton(list, buttonId(list, 'Buy Makers Club'))).reply();
    expect(checkout.ephemeral).toBe(true);
    expect(checkout.visibleTo).toBe(buyer);
    expect(embed(checkout).title).toBe('Buy Makers Club');
    expect(embed(checkout).description).toContain('$25.00');
    payButton = { message: checkout, customId: buttonId(checkout, 'Pay $25.00') };
    // Nothing about the checkout was posted where the channel can read it.
    const posted = sim.channelMessages(checkout.channelId).filter((message) => !message.ephemeral);
    expect(JSON.stringify(posted)).not.toContain('Makers Club');
  });

  it('refuses another member pressing a Pay button forged with the buyer’s order', async () => {
    const own = await (await sim.user(otherMember).slashCommand(guildId, 'buy')).reply();
    const refusal = await (await sim.user(otherMember).clickButton(own, payButton.customId, { forge: true })).reply();
    expect(refusal.ephemeral).toBe(true);
    expect(refusal.visibleTo).toBe(otherMember);
    expect(refusal.content).toBe('No order with that number in this community.');
    expect(sim.memberRoles(guildId, otherMember)).toEqual([]);
  });

  it('pays in the sandbox; the workers give the role exactly once and tell the buyer in a DM', async () => {
    const paid = await (await sim.user(buyer).clickButton(payButton.message, payButton.customId)).reply();
    expect(paid.ephemeral).toBe(true);
    expect(paid.content).toBe('Payment received. Your access is being set up: check /my in a moment.');

    await eventually(async () => (sim.memberRoles(guildId, buyer).includes(clubRole.id) ? true : undefined));
    const dm = await eventually(async () => sim.dmMessages(buyer).find((message) => message.authorId === sim.botUser.id));
    expect(dm.content).toBe('You now have access in Makers. Enjoy!');
    const [grant] = await eventually(async () => {
      const rows = await world.database.db.select().from(accessGrants).where(and(eq(accessGrants.resourceId, clubRole.id), eq(accessGrants.observed, 'present')));
      return rows.length ? rows : undefined;
    });
    expect(grant).toMatchObject({ desired: 'present', lastError: null });

    // A second press changes nothing: the order is paid, and no job gives the role again.
    const again = await (await sim.user(buyer).clickButton(paid, payButton.customId, { forge: true })).reply();
    expect(again.content).toBe('That checkout is no longer open. Run /buy again.');
    const mine = await (await sim.user(buyer).slashCommand(guildId, 'my')).reply();
    expect(mine.ephemeral).toBe(true);
    expect(embed(mine).fields?.[0]).toMatchObject({ name: 'Makers Club' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const puts = sim.calls.filter((call) => call.route === ROLE_ROUTE && call.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ status: 204, reason: 'Lyceum: purchase' });
    expect(puts[0]!.path).toContain(`/members/${buyer}/roles/${clubRole.id}`);
    expect(sim.memberRoles(guildId, buyer)).toEqual([clubRole.id]);
    expect(sim.dmMessages(buyer).filter((message) => message.authorId === sim.botUser.id)).toHaveLength(1);
  });

  it('shows sales and refunds privately; the refund takes the role away once confirmed', async () => {
    const sales = await (await sim.user(creator).slashCommand(guildId, 'sales')).reply();
    expect(sales.ephemeral).toBe(true);
    expect(embed(sales).fields?.[0]?.value).toBe('USD: $25.00 / $25.00 / $25.00');
    const [order] = await world.database.db.select({ id: orders.id }).from(orders).where(and(eq(orders.communityId, world.communityId), eq(orders.status, 'paid')));
    const refund = await (await sim.user(creator).slashCommand(guildId, 'refund', { order: order!.id.slice(0, 8), reason: 'changed their mind' })).reply();
    expect(refund.ephemeral).toBe(true);
    expect(refund.content).toContain(`Refund of order #${order!.id.slice(0, 8)} requested`);
    await eventually(async () => (sim.memberRoles(guildId, buyer).length === 0 ? true : undefined));
    const ended = await eventually(async () => sim.dmMessages(buyer).find((message) => message.content.includes('has ended')));
    expect(ended.content).toBe('Your access in Makers has ended.');
    const roleCalls = sim.calls.filter((call) => call.route === ROLE_ROUTE).map((call) => [call.method, call.status, call.reason]);
    expect(roleCalls).toEqual([
      ['PUT', 204, 'Lyceum: purchase'],
      ['DELETE', 204, 'Lyceum: access ended'],
    ]);
  });
});
