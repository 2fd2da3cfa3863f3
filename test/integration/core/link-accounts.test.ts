import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAction } from '../../../core/actions.ts';
import type { CommandDeps } from '../../../core/commands/index.ts';
import { processPaymentEvent } from '../../../core/commerce/process-payment-event.ts';
import { accessGrants, members, orders, paymentEvents, platformIdentities, platformSpaces, productGrants, products } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import { commandDeps, RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity } from '../../support/fixtures.ts';

/** /link: one member across Discord and Telegram, so one purchase grants access on both. */
describe('linkAccounts', () => {
  let database: TestDatabase;
  let deps: CommandDeps;
  const queue = new RecordingQueue();
  let communityId: string;
  const onDiscord = (userId: string): Caller => ({ platform: 'discord', userId, displayName: `D${userId}`, locale: 'en', spaceId: '700000000000000001' });
  const onTelegram = (userId: string): Caller => ({ platform: 'telegram', userId, displayName: `T${userId}`, locale: 'en', spaceId: '-100500' });
  const codeOf = (body: string | undefined) => /([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(body ?? '')?.[1] ?? '';

  beforeAll(async () => {
    database = await createTestDatabase();
    deps = commandDeps(database.db, { queue });
    communityId = (await createCommunity(database.db)).id;
    const [guild, chat] = await database.db
      .insert(platformSpaces)
      .values([
        { communityId, platform: 'discord', kind: 'discord_guild', externalId: '700000000000000001' },
        { communityId, platform: 'telegram', kind: 'telegram_supergroup', externalId: '-100500' },
      ])
      .returning();
    const [product] = await database.db.insert(products).values({ communityId, slug: 'pro', name: 'Pro', kind: 'one_time', priceAmount: 2000, currency: 'USD' }).returning();
    await database.db.insert(productGrants).values([
      { communityId, productId: product!.id, kind: 'discord_role', spaceId: guild!.id, resourceId: '700000000000000777' },
      { communityId, productId: product!.id, kind: 'telegram_chat', spaceId: chat!.id, resourceId: '-100500' },
    ]);
  });
  afterAll(() => database.drop());

  /** Buys Pro in the sandbox and runs the payment through the ledger. */
  const buy = async (caller: Caller) => {
    const checkout = await handleCommand(deps, caller, 'buy', { product: 'pro' });
    const [order] = await database.db.select().from(orders).where(and(eq(orders.memberId, checkout.actor!.memberId), eq(orders.status, 'pending')));
    await handleAction(deps, caller, encodeAction({ type: 'order.pay_sandbox', orderId: order!.id }));
    const [event] = await database.db.select().from(paymentEvents).where(eq(paymentEvents.orderId, order!.id));
    await processPaymentEvent(deps, event!.id);
    return checkout.actor!.memberId;
  };

  it('links a Telegram account to the member who bought on Discord, and queues their Telegram access', async () => {
    const buyer = await buy(onDiscord('800000000000000001'));
    const [chatGrant] = await database.db.select().from(accessGrants).where(and(eq(accessGrants.memberId, buyer), eq(accessGrants.resourceKind, 'telegram_chat')));
    expect(chatGrant).toMatchObject({ desired: 'present', observed: 'unknown' });

    const asked = await handleCommand(deps, onDiscord('800000000000000001'), 'link', {});
    expect(asked.reply).toMatchObject({ ephemeral: true, confidential: true });
    const code = codeOf(asked.reply.body);
    expect((await handleCommand(deps, onDiscord('800000000000000001'), 'link', { code })).error).toEqual({ code: 'link_same_account' });

    const jobsBefore = queue.of('access.apply-grant').length;
    const linked = await handleCommand(deps, onTelegram('4242'), 'link', { code });
    // Both of the buyer's grants are still unapplied here (no worker runs in this test).
    expect(linked.reply.body).toBe('Linked. Your purchases now count on both platforms (2 access grants being applied).');
    expect(queue.of('access.apply-grant').slice(jobsBefore)).toContainEqual({ grantId: chatGrant!.id });
    const [identity] = await database.db.select().from(platformIdentities).where(and(eq(platformIdentities.platform, 'telegram'), eq(platformIdentities.platformUserId, '4242')));
    expect(identity?.memberId).toBe(buyer);
    expect((await handleCommand(deps, onTelegram('4242'), 'my', {})).reply.fields?.[0]).toMatchObject({ name: 'Pro' });
    expect((await handleCommand(deps, onTelegram('4343'), 'link', { code })).error).toEqual({ code: 'invalid_link_code' });
  });

  it('refuses to merge an account that already bought something, or a platform already linked', async () => {
    await buy(onDiscord('800000000000000002'));
    const paidOnTelegram = await buy(onTelegram('5151'));
    const code = codeOf((await handleCommand(deps, onDiscord('800000000000000002'), 'link', {})).reply.body);
    expect((await handleCommand(deps, onTelegram('5151'), 'link', { code })).error).toEqual({ code: 'link_has_purchases' });
    expect(await database.db.select().from(members).where(eq(members.id, paidOnTelegram))).toHaveLength(1);

    const again = codeOf((await handleCommand(deps, onDiscord('800000000000000001'), 'link', {})).reply.body);
    expect((await handleCommand(deps, onTelegram('6161'), 'link', { code: again })).error).toEqual({ code: 'link_platform_taken' });
  });
});
