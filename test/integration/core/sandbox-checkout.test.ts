import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAction } from '../../../core/actions.ts';
import type { CommandDeps } from '../../../core/commands/index.ts';
import { entitlements, ledgerEntries, orders, paymentEvents, products } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import type { ReplyButton } from '../../../core/reply.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { startWorkers, type WorkerRuntime } from '../../../workers/runner.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';

/** A purchase with the sandbox provider through the real queue and payments worker. */
describe('sandbox checkout', () => {
  let database: TestDatabase;
  let queues: TestQueues;
  let workers: WorkerRuntime;
  let deps: CommandDeps;
  const as = (role: keyof typeof consolePersonas): Caller => ({
    platform: 'console',
    userId: consolePersonas[role].userId,
    displayName: consolePersonas[role].displayName,
    locale: 'en',
    spaceId: CONSOLE_SPACE_ID,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    queues = createTestQueues();
    deps = commandDeps(database.db, { queue: queues.queue });
    workers = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 2, log: silentLog, schedulers: false });
  });
  afterAll(async () => {
    await workers.close(5_000);
    await queues.close();
    await database.drop();
  });

  const payButton = (buttons: ReplyButton[] | undefined) => {
    const button = buttons?.find((candidate) => 'action' in candidate && candidate.action.type === 'order.pay_sandbox');
    if (!button || !('action' in button)) throw new Error('no sandbox Pay button');
    return encodeAction(button.action);
  };
  /** The first order of the file: the member's bootcamp. */
  const firstOrder = async () => (await database.db.select().from(orders).orderBy(orders.createdAt).limit(1))[0];

  it('sells a product once: pay, entitlement, receipt, sales; a second Pay and a second /buy change nothing', async () => {
    const listed = await handleCommand(deps, as('member'), 'buy', {});
    expect(listed.reply.fields?.map((field) => field.name)).toContain('Python Bootcamp');
    const card = await handleCommand(deps, as('member'), 'course', { name: 'python-basics' });
    const cardButtons = card.reply.actions?.flatMap((row) => ('buttons' in row ? row.buttons : [])).map((button) => button.label);
    expect(cardButtons).toEqual(expect.arrayContaining(['Buy Python Bootcamp', 'Buy All-Access Membership']));
    const checkout = await handleCommand(deps, as('member'), 'buy', { product: 'python-bootcamp' });
    expect(checkout.error).toBeUndefined();
    expect(checkout.reply).toMatchObject({ title: 'Buy Python Bootcamp', ephemeral: true });
    const again = await handleCommand(deps, as('member'), 'buy', { product: 'Python Bootcamp' });
    const pay = payButton(checkout.reply.actions?.flatMap((row) => ('buttons' in row ? row.buttons : [])));
    expect(payButton(again.reply.actions?.flatMap((row) => ('buttons' in row ? row.buttons : [])))).toBe(pay);

    const paid = await Promise.all([handleAction(deps, as('member'), pay), handleAction(deps, as('member'), pay)]);
    expect(paid.map((outcome) => outcome.error)).toEqual([undefined, undefined]);
    const order = await eventually(async () => {
      const [row] = await database.db.select().from(orders).where(eq(orders.status, 'paid'));
      return row;
    });
    expect(order).toMatchObject({ provider: 'sandbox', amount: 9900, currency: 'USD' });
    expect(await database.db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, order.id))).toHaveLength(1);
    expect(await database.db.select().from(paymentEvents)).toHaveLength(1);
    expect(await database.db.select().from(entitlements).where(eq(entitlements.orderId, order.id))).toMatchObject([{ status: 'active' }]);

    expect((await handleAction(deps, as('member'), pay)).error).toEqual({ code: 'order_not_payable' });
    expect((await handleCommand(deps, as('member'), 'buy', { product: 'python-bootcamp' })).error).toEqual({ code: 'already_owned' });
    const ownedCard = await handleCommand(deps, as('member'), 'course', { name: 'python-basics' });
    const ownedButtons = ownedCard.reply.actions?.flatMap((row) => ('buttons' in row ? row.buttons : [])).map((button) => button.label);
    expect(ownedButtons).not.toContain('Buy Python Bootcamp');
    const mine = await handleCommand(deps, as('member'), 'my', {});
    expect(mine.reply.fields?.[0]).toMatchObject({ name: 'Python Bootcamp', value: 'Active, no end date' });
    expect(mine.reply.fields?.[1]?.value).toContain(`$99.00 · #${order.id.slice(0, 8)}`);

    expect((await handleCommand(deps, as('member'), 'sales', {})).error).toEqual({ code: 'forbidden', permission: 'commerce.sales' });
    const sales = await handleCommand(deps, as('creator'), 'sales', {});
    expect(sales.reply.fields?.[0]?.value).toBe('USD: $99.00 / $99.00 / $99.00');
  });

  it('refunds through the worker: the ledger and the entitlement follow the confirmation once', async () => {
    const [order] = await database.db.select().from(orders).where(eq(orders.status, 'paid'));
    expect((await handleCommand(deps, as('member'), 'refund', { order: order!.id.slice(0, 8), reason: 'please' })).error).toMatchObject({ code: 'forbidden' });
    const requested = await handleCommand(deps, as('creator'), 'refund', { order: order!.id.slice(0, 8), reason: 'changed their mind' });
    expect(requested.error).toBeUndefined();
    await eventually(async () => {
      const [row] = await database.db.select().from(orders).where(and(eq(orders.id, order!.id), eq(orders.status, 'refunded')));
      return row;
    });
    const kinds = (await database.db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, order!.id))).map((row) => row.kind).sort();
    expect(kinds).toEqual(['charge', 'refund']);
    expect(await database.db.select().from(entitlements).where(eq(entitlements.orderId, order!.id))).toMatchObject([{ status: 'revoked', revokeReason: 'refunded' }]);
    expect((await handleCommand(deps, as('creator'), 'refund', { order: order!.id.slice(0, 8), reason: 'twice' })).error).toEqual({ code: 'order_not_refundable' });
    const sales = await handleCommand(deps, as('creator'), 'sales', {});
    expect(sales.reply.fields?.[0]?.value).toBe('USD: $0.00 / $0.00 / $0.00');
  });

  it('refuses another member’s order and products of another community', async () => {
    const order = await firstOrder();
    const forged = encodeAction({ type: 'order.pay_sandbox', orderId: order!.id });
    expect((await handleAction(deps, as('staff'), forged)).error).toEqual({ code: 'order_not_found' });
    expect((await handleCommand(deps, as('member'), 'buy', { product: 'no-such-thing' })).error).toEqual({ code: 'product_not_found' });
  });

  it('refuses the sandbox in production: no checkout, and an old Pay button pays nothing', async () => {
    const production = commandDeps(database.db, { queue: queues.queue, payments: { sandbox: false } });
    const open = await handleCommand(deps, as('staff'), 'buy', { product: 'python-bootcamp' });
    expect(open.error).toBeUndefined();
    expect((await handleCommand(production, as('staff'), 'buy', { product: 'python-bootcamp' })).error).toEqual({ code: 'provider_unavailable' });
    const pay = payButton(open.reply.actions?.flatMap((row) => ('buttons' in row ? row.buttons : [])));
    expect((await handleAction(production, as('staff'), pay)).error).toEqual({ code: 'provider_unavailable' });
    expect(await database.db.select().from(orders).where(eq(orders.status, 'paid'))).toHaveLength(0);
  });

  it('lets a creator create, edit and archive a product; buyers keep their price', async () => {
    const created = await handleCommand(deps, as('creator'), 'product', { action: 'create', name: 'SQL Sprint', price: '19.50', courses: 'sql-for-analysts' });
    expect(created.error).toBeUndefined();
    expect(created.reply.body).toContain('SQL Sprint (sql-sprint): $19.50');
    const checkout = await handleCommand(deps, as('member'), 'buy', { product: 'sql-sprint' });
    expect(checkout.reply.body).toContain('$19.50');
    const edited = await handleCommand(deps, as('creator'), 'product', { action: 'edit', product: 'sql-sprint', price: '25' });
    expect(edited.reply.body).toContain('$25.00');
    const [sprint] = await database.db.select().from(products).where(eq(products.slug, 'sql-sprint'));
    const [pending] = await database.db.select().from(orders).where(and(eq(orders.status, 'pending'), eq(orders.productId, sprint!.id)));
    expect(pending).toMatchObject({ amount: 1950 });
    expect((await handleCommand(deps, as('member'), 'product', { action: 'archive', product: 'sql-sprint' })).error).toMatchObject({ code: 'forbidden' });
    await handleCommand(deps, as('creator'), 'product', { action: 'archive', product: 'sql-sprint' });
    expect((await handleCommand(deps, as('member'), 'buy', { product: 'sql-sprint' })).error).toEqual({ code: 'product_not_found' });
    const pay = payButton(checkout.reply.actions?.flatMap((row) => ('buttons' in row ? row.buttons : [])));
    expect((await handleAction(deps, as('member'), pay)).error).toEqual({ code: 'order_not_payable' });
  });
});
