import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAction } from '../../../core/actions.ts';
import type { CommandDeps } from '../../../core/commands/index.ts';
import { auditLog, ledgerEntries, members, orders, platformIdentities, subscriptions } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand, handleMessage } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import type { Reply } from '../../../core/reply.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { defaultClassifier } from '../../../core/support/intents/default-classifier.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { dumpText } from '../../support/dump.ts';
import { createCommunity } from '../../support/fixtures.ts';

const caller = (userId: string, displayName: string, spaceId = CONSOLE_SPACE_ID): Caller => ({ platform: 'console', userId, displayName, locale: 'en', spaceId });
const creator: Caller = caller(consolePersonas.creator.userId, consolePersonas.creator.displayName);
const confirmButton = (reply: Reply) => {
  for (const row of reply.actions ?? []) for (const button of 'buttons' in row ? row.buttons : []) if ('action' in button) return encodeAction(button.action);
  throw new Error('no confirmation button');
};

describe('/privacy delete', () => {
  let database: TestDatabase;
  let deps: CommandDeps;
  let communityId: string;
  const ledgerTotal = async () => (await database.db.select({ total: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)::int`, rows: sql<number>`count(*)::int` }).from(ledgerEntries).where(eq(ledgerEntries.communityId, communityId)))[0];
  const memberIdOf = async (userId: string) => (await database.db.select().from(platformIdentities).where(eq(platformIdentities.platformUserId, userId)))[0]?.memberId;

  /** A member with a purchase in the ledger, a gift, a rating and a support conversation. */
  async function memberWithHistory(userId: string, name: string, secret: string) {
    const member = caller(userId, name);
    await handleMessage(deps, member, secret);
    expect((await handleCommand(deps, member, 'buy', { product: 'python-bootcamp' })).error).toBeUndefined();
    const [order] = await database.db.select().from(orders).where(eq(orders.communityId, communityId)).orderBy(desc(orders.createdAt)).limit(1);
    await database.db.update(orders).set({ providerCustomerId: `cus_${userId}`, status: 'paid' }).where(eq(orders.id, order!.id));
    await database.db.insert(ledgerEntries).values({ communityId, orderId: order!.id, provider: order!.provider, kind: 'charge', amount: order!.amount, currency: order!.currency, providerRef: `pi_${order!.id.slice(0, 8)}`, occurredAt: new Date() });
    expect((await handleCommand(deps, creator, 'grant', { member: name, product: 'python-bootcamp', days: 30 })).error).toBeUndefined();
    return { member, order: order! };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await seedDemoCommunity(database.db, new Date())).communityId;
    deps = commandDeps(database.db, { support: { classifier: defaultClassifier() } });
  });
  afterAll(() => database.drop());

  it('erases a member after a confirmation: no trace of them in any table, the ledger’s totals unchanged', async () => {
    const { member, order } = await memberWithHistory('zoe-7731', 'Zoe Quillfeather', 'Please send the refund to 42 Wallaby Way, Sydney');
    const memberId = (await memberIdOf('zoe-7731'))!;
    const before = await ledgerTotal();
    const asked = await handleCommand(deps, member, 'privacy', { action: 'delete' });
    expect(asked.reply.title).toBe('Delete your data in Lyceum Demo Academy?');
    expect(await memberIdOf('zoe-7731')).toBe(memberId);

    const done = await handleAction(deps, member, confirmButton(asked.reply));
    expect(done.reply.body).toBe('Done: your data in Lyceum Demo Academy is erased.');
    expect(await ledgerTotal()).toEqual(before);
    const [kept] = await database.db.select().from(orders).where(eq(orders.id, order.id));
    expect(kept).toMatchObject({ amount: order.amount, status: 'paid', providerCustomerId: null });
    const [placeholder] = await database.db.select().from(members).where(eq(members.id, kept!.memberId));
    expect(placeholder).toMatchObject({ displayName: 'Deleted member' });
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'privacy.delete'));
    expect(audit).toMatchObject({ actorKind: 'system', targetKind: 'member', targetId: placeholder!.id });

    const dump = await dumpText(database.db);
    for (const trace of ['Zoe Quillfeather', 'zoe-7731', 'Wallaby Way', 'cus_zoe-7731']) expect(dump, trace).not.toContain(trace);
    // The append-only audit log keeps the old id in what was done (a gift to them), pointing at no row any more.
    expect(await dumpText(database.db, ['audit_log'])).not.toContain(memberId);
    expect(await database.db.select().from(members).where(eq(members.id, memberId))).toEqual([]);
  });

  it('lets a creator erase a member on request, keeps them in another community they belong to, and refuses while a subscription could charge', async () => {
    const { member } = await memberWithHistory('kai-5120', 'Kai Brightwater', 'My phone is 0400 000 000');
    const elsewhere = await createCommunity(database.db, { name: 'Elsewhere' });
    await handleMessage(deps, caller('kai-5120', 'Kai Brightwater', elsewhere.spaceId), 'Hello Elsewhere');
    const memberId = (await memberIdOf('kai-5120'))!;

    // A member cannot press a confirmation made for someone else; nor can staff ask for one.
    const forged = encodeAction({ type: 'privacy.erase', memberId });
    expect((await handleAction(deps, caller(consolePersonas.member.userId, 'Mia'), forged)).error).toMatchObject({ code: 'forbidden' });
    expect((await handleCommand(deps, caller(consolePersonas.staff.userId, 'Sam'), 'privacy', { action: 'delete', member: 'Kai Brightwater' })).error).toMatchObject({ code: 'forbidden' });
    // Nor can a creator erase (or export) an owner: the team's data is theirs alone.
    expect((await handleCommand(deps, creator, 'privacy', { action: 'delete', member: 'Olivia' })).error).toMatchObject({ code: 'forbidden' });
    expect((await handleCommand(deps, creator, 'privacy', { action: 'export', member: 'Olivia' })).error).toMatchObject({ code: 'forbidden' });
    const owner = (await memberIdOf(consolePersonas.owner.userId))!;
    expect((await handleAction(deps, creator, encodeAction({ type: 'privacy.erase', memberId: owner }))).error).toMatchObject({ code: 'forbidden' });

    const [order] = await database.db.select().from(orders).where(eq(orders.memberId, memberId));
    const [subscription] = await database.db.insert(subscriptions).values({ communityId, memberId, productId: order!.productId, provider: 'sandbox', providerSubscriptionId: 'sub_kai', orderId: order!.id, status: 'active' }).returning();
    const asked = await handleCommand(deps, creator, 'privacy', { action: 'delete', member: 'Kai Brightwater' });
    expect(asked.error).toBeUndefined();
    expect((await handleAction(deps, creator, confirmButton(asked.reply))).reply.body).toMatch(/^A subscription here could still charge this member/);
    expect(await memberIdOf('kai-5120')).toBe(memberId);

    await database.db.update(subscriptions).set({ status: 'canceled' }).where(eq(subscriptions.id, subscription!.id));
    expect((await handleAction(deps, creator, confirmButton(asked.reply))).reply.body).toBe("Done: the member's data in Lyceum Demo Academy is erased.");
    const [audit] = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'privacy.delete'), eq(auditLog.communityId, communityId))).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({ actorKind: 'member', details: { requestedBy: 'staff' } });
    // Still a member elsewhere: the identity stays for that community; nothing of this one names them.
    expect(await memberIdOf('kai-5120')).toBe(memberId);
    const here = (await database.db.execute(sql`select count(*)::int as n from memberships where member_id = ${memberId}::uuid and community_id = ${communityId}::uuid`)) as unknown as Array<{ n: number }>;
    expect(here[0]!.n).toBe(0);
    expect((await handleCommand(deps, member, 'my', {})).error).toBeUndefined();
  });
});
