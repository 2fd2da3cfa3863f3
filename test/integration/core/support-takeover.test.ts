import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleRelay, ConsoleSupportGateway } from '../../../bots/console/support-gateway.ts';
import { encodeAction } from '../../../core/actions.ts';
import type { CommandDeps } from '../../../core/commands/index.ts';
import { processPaymentEvent } from '../../../core/commerce/process-payment-event.ts';
import { auditLog, orders, paymentEvents, supportConversations, supportMessages, supportTickets } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand, handleMessage } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import type { Reply } from '../../../core/reply.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { defaultClassifier } from '../../../core/support/intents/default-classifier.ts';
import { relayConversation } from '../../../core/support/relay.ts';
import { sweepSupport } from '../../../core/support/sweep.ts';
import { commandDeps, RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock } from '../../support/fakes.ts';

const persona = (role: keyof typeof consolePersonas): Caller => ({ platform: 'console', userId: consolePersonas[role].userId, displayName: consolePersonas[role].displayName, locale: 'en', spaceId: CONSOLE_SPACE_ID });
const buttonAction = (reply: Reply, label: string) => {
  for (const row of reply.actions ?? []) for (const button of 'buttons' in row ? row.buttons : []) if (button.label === label && 'action' in button) return encodeAction(button.action);
  throw new Error(`no button ${label}`);
};

/** The human takeover in the console community: tickets, claims, relays through the relay use case, close and rating, on real Postgres. */
describe('support takeover', () => {
  let database: TestDatabase;
  let deps: CommandDeps;
  const clock = new FakeClock(new Date('2026-12-01T12:00:00Z'));
  const queue = new RecordingQueue();
  const gateway = new ConsoleSupportGateway();
  const relays: ConsoleRelay[] = [];
  const [mia, sam, chen] = [persona('member'), persona('staff'), persona('creator')];
  const say = (caller: Caller, text: string) => handleMessage(deps, caller, text);
  const command = (caller: Caller, name: 'claim' | 'handback' | 'close' | 'tickets' | 'faq' | 'settings', options: Record<string, unknown> = {}) => handleCommand(deps, caller, name, options);
  /** What the relay jobs queued so far deliver: drained the way the worker would. */
  const relayAll = async () => {
    const before = relays.length;
    for (const conversationId of new Set(queue.of('support.relay').map((job) => job.conversationId))) await relayConversation(deps, conversationId);
    queue.jobs.length = 0;
    return relays.slice(before).map((relay) => `${relay.to}: ${relay.reply.body}`);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, clock.now());
    deps = commandDeps(database.db, { clock, queue, support: { classifier: defaultClassifier(), gateways: { console: gateway } } });
    gateway.attach((relay) => relays.push(relay));
  });
  afterAll(() => database.drop());

  it('a member asks for a person; staff claim, talk both ways, hand back, close; the member rates', async () => {
    expect((await say(mia, 'talk to a human please')).reply.body).toMatch(/^I've passed this to the team \(ticket #[0-9a-f]{8}\)/);
    const [summary] = await relayAll();
    expect(summary).toMatch(/^staff: ticket #[0-9a-f]{8} · console · intent: human_agent\n> talk to a human please\n/);
    expect(summary).toContain('orders: none');

    // The Claim button on the summary; the member is told a person is here.
    const claimed = await handleAction(deps, sam, buttonAction(relays[0]!.reply, 'Claim'));
    expect(claimed.reply.body).toMatch(/^Ticket #[0-9a-f]{8} is yours/);
    expect(await relayAll()).toEqual(['staff: Sam claimed this ticket. The assistant is quiet; what you write here reaches the member.', 'member: Sam from the team is here now and will answer you in this chat.']);

    // While staff hold it the assistant is silent and the member's words reach staff.
    expect((await say(mia, 'what courses do you have?')).silent).toBe(true);
    expect(await relayAll()).toEqual(['staff: Mia: what courses do you have?']);
    expect((await say(sam, 'Hi Mia, the SQL course is a good start.')).silent).toBe(true);
    expect(await relayAll()).toEqual(['member: Sam (team): Hi Mia, the SQL course is a good start.']);

    // One holder at a time: another staff member needs take_over, and says so in the thread.
    expect((await command(chen, 'claim')).error).toMatchObject({ code: 'ticket_not_found' });
    const [ticket] = await database.db.select().from(supportTickets);
    expect((await command(chen, 'claim', { ticket: ticket!.id.slice(0, 8) })).error).toMatchObject({ code: 'ticket_claimed', by: 'Sam' });
    expect((await command(chen, 'claim', { ticket: `#${ticket!.id.slice(0, 8)}`, take_over: 'true' })).reply.body).toMatch(/is yours/);
    expect(await relayAll()).toEqual(['staff: Chen took this ticket over from Sam.', 'member: Chen from the team is here now and will answer you in this chat.']);
    expect((await command(sam, 'handback')).error).toMatchObject({ code: 'ticket_not_found' });
    expect((await command(sam, 'close', { ticket: ticket!.id.slice(0, 8), resolution: 'done' })).error).toMatchObject({ code: 'not_your_ticket', by: 'Chen' });

    // Handback: the assistant answers again.
    expect((await command(chen, 'handback')).reply.body).toMatch(/is back with the assistant/);
    expect((await command(sam, 'close', { resolution: 'not mine' })).error).toMatchObject({ code: 'ticket_not_found' });
    expect(await relayAll()).toEqual(['staff: Chen handed the member back to the assistant.', expect.stringMatching(/^member: The team handed you back to me/)]);
    expect((await say(mia, 'what courses do you have?')).reply.title).toMatch(/^Courses/);
    expect(await relayAll()).toEqual([]);

    // Close: transcript stored, the member asked for a rating, which counts once.
    clock.advance(30 * 60_000);
    // Handed back, the ticket is still Chen's: /close without a number finds it.
    expect((await command(chen, 'close', { resolution: 'recommended SQL for Analysts' })).reply.body).toMatch(/is closed/);
    expect(await relayAll()).toEqual(['staff: Closed by Chen: recommended SQL for Analysts', 'member: Your ticket is closed: recommended SQL for Analysts. How did we do? Tap a rating.']);
    const rating = relays.at(-1)!.reply;
    expect((await handleAction(deps, mia, buttonAction(rating, '★★★★★'))).reply.body).toBe('Thanks for rating us!');
    expect((await handleAction(deps, chen, buttonAction(rating, '★'))).reply.body).toMatch(/already rated/);
    expect((await handleAction(deps, mia, buttonAction(rating, '★'))).reply.body).toMatch(/already rated/);
    const [closed] = await database.db.select().from(supportTickets).where(eq(supportTickets.id, ticket!.id));
    expect(closed).toMatchObject({ status: 'closed', resolution: 'recommended SQL for Analysts' });
    expect(closed!.firstResponseAt).not.toBeNull();
    expect(closed!.transcript).toMatch(/Mia \(member\): talk to a human please[\s\S]*Sam \(staff\): Hi Mia, the SQL course is a good start\.[\s\S]*system: Your ticket is closed/);
    const [conversation] = await database.db.select().from(supportConversations).where(eq(supportConversations.id, closed!.conversationId));
    expect(conversation).toMatchObject({ status: 'closed', csatScore: 5 });
    const actions = (await database.db.select({ action: auditLog.action }).from(auditLog)).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['support.claim', 'support.take_over', 'support.handback', 'support.close']));

    // The measures: one conversation, one ticket, first reply and close times, the rating.
    const stats = (await command(chen, 'tickets', { view: 'stats' })).reply;
    expect(Object.fromEntries(stats.fields!.map((field) => [field.name, field.value]))).toMatchObject({ Conversations: '1', 'Resolved without a person': '0%', Tickets: '1', 'Median first reply': '0m', 'Median time to close': '30m', 'Average rating': '5.0 (1)' });
    expect(stats.body).toMatch(/^#[0-9a-f]{8} · Mia · first reply 0m · closed after 30m · rating 5$/);
  });

  it('relays what the member sends while staff hold the ticket once each and in order, whichever job runs', async () => {
    await say(mia, 'I need a person');
    await relayAll();
    await command(sam, 'claim');
    await relayAll();
    for (const text of ['one', 'two', 'three']) expect((await say(mia, text)).silent).toBe(true);
    const conversationId = queue.of('support.relay')[0]!.conversationId;
    queue.jobs.length = 0;
    const before = relays.length;
    await Promise.all([relayConversation(deps, conversationId), relayConversation(deps, conversationId), relayConversation(deps, conversationId)]);
    expect(relays.slice(before).map((relay) => relay.reply.body)).toEqual(['Mia: one', 'Mia: two', 'Mia: three']);
    expect((await relayConversation(deps, conversationId)).relayed).toBe(0);
  });

  it('a send that died mid-way is recorded as unconfirmed and never repeated; a stuck relay is re-queued', async () => {
    await say(mia, 'four');
    // Bodies are sealed (no query can match them): the newest message is the one just written.
    const [pending] = await database.db.select().from(supportMessages).orderBy(desc(supportMessages.seq)).limit(1);
    expect(pending!.body).toBe('four');
    await database.db.update(supportMessages).set({ relayStartedAt: clock.now() }).where(eq(supportMessages.id, pending!.id));
    queue.jobs.length = 0;
    expect((await relayConversation(deps, pending!.conversationId)).relayed).toBe(0);
    clock.advance(3 * 60_000);
    expect((await sweepSupport(deps)).requeued).toBe(1);
    expect(await relayAll()).toEqual([]);
    const [after] = await database.db.select().from(supportMessages).where(eq(supportMessages.id, pending!.id));
    expect(after).toMatchObject({ relayError: 'unconfirmed', relayedAt: null });
  });

  it('pings staff once when a ticket passes its first-response target without a reply', async () => {
    const olivia = persona('owner');
    await say(olivia, 'can a human help me');
    await relayAll();
    clock.advance(241 * 60_000);
    // Olivia's ticket, and the one Sam claimed earlier without ever answering.
    expect((await sweepSupport(deps)).pinged).toBe(2);
    const pings = await relayAll();
    expect(pings.map((ping) => ping.replace(/#[0-9a-f]{8}/, '#…')).sort()).toEqual([
      'staff: Ticket #… has waited 241 minutes without a reply from the team.',
      'staff: Ticket #… has waited 244 minutes without a reply from the team.',
    ]);
    expect((await sweepSupport(deps)).pinged).toBe(0);
    expect((await command(sam, 'tickets')).reply.body).toMatch(/Olivia · human_agent: can a human help me · first reply overdue/);
  });

  it('opens a refund request with the order attached, and approves it inside the refund window only', async () => {
    const buyer = async (userId: string) => {
      const caller: Caller = { platform: 'console', userId, displayName: userId, locale: 'en', spaceId: CONSOLE_SPACE_ID };
      await handleCommand(deps, caller, 'buy', { product: 'python-bootcamp' });
      const [order] = await database.db.select().from(orders).where(and(eq(orders.status, 'pending'), eq(orders.provider, 'sandbox')));
      await handleAction(deps, caller, encodeAction({ type: 'order.pay_sandbox', orderId: order!.id }));
      const [event] = await database.db.select().from(paymentEvents).where(eq(paymentEvents.orderId, order!.id));
      await processPaymentEvent(deps, event!.id);
      return { caller, orderId: order!.id };
    };
    const ada = await buyer('console-ada');
    expect((await say(ada.caller, 'I want my money back')).reply.body).toMatch(/^I've passed this to the team/);
    const [adaTicket] = await database.db.select().from(supportTickets).where(eq(supportTickets.orderId, ada.orderId));
    expect(adaTicket!.subject).toBe('refund_request: I want my money back');
    expect(queue.of('payments.refund-order')).toEqual([]);

    expect((await command(chen, 'settings', { refund_window_days: '14' })).error).toBeUndefined();
    const bo = await buyer('console-bo');
    expect((await say(bo.caller, '我要退款')).reply.body).toMatch(/^Your refund of .+ for Python Bootcamp is approved \(you asked within the 14-day refund window\)/);
    expect(queue.of('payments.refund-order')).toEqual([expect.objectContaining({ orderId: bo.orderId })]);
    const [approved] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'support.refund_auto_approved'));
    expect(approved).toMatchObject({ targetId: bo.orderId });
    await command(chen, 'settings', { refund_window_days: '0' });
  });

  it('asks once when a message is unclear, and hands a second unclear one to a person', async () => {
    const [ticketsBefore] = await database.db.select({ n: sql<number>`count(*)::int` }).from(supportTickets);
    expect((await say(chen, 'qwerty uiop')).reply.body).toBe("I'm not sure what you mean. Which is it about?");
    expect((await say(chen, 'zxcv bnm')).reply.body).toMatch(/^I've passed this to the team/);
    const [ticketsAfter] = await database.db.select({ n: sql<number>`count(*)::int` }).from(supportTickets);
    expect(ticketsAfter!.n).toBe(ticketsBefore!.n + 1);
  });
});
