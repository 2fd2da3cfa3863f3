import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAction } from '../../../core/actions.ts';
import { runLifecycle } from '../../../core/access/lifecycle.ts';
import type { CommandDeps } from '../../../core/commands/index.ts';
import { applyPaymentFacts, withOrderLock } from '../../../core/commerce/apply-payment-facts.ts';
import { processPaymentEvent } from '../../../core/commerce/process-payment-event.ts';
import { auditLog, entitlements, orders, paymentEvents } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { commandDeps, RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock } from '../../support/fakes.ts';

const DAY = 86_400_000;

/** /grant, /revoke and /access status in the console community, on real Postgres. */
describe('creator access tools', () => {
  let database: TestDatabase;
  let deps: CommandDeps;
  const clock = new FakeClock(new Date('2026-12-01T12:00:00Z'));
  const queue = new RecordingQueue();
  const as = (role: keyof typeof consolePersonas): Caller => ({ platform: 'console', userId: consolePersonas[role].userId, displayName: consolePersonas[role].displayName, locale: 'en', spaceId: CONSOLE_SPACE_ID });

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, clock.now());
    deps = commandDeps(database.db, { clock, queue });
  });
  afterAll(() => database.drop());

  it('grants a product for a number of days, audited; only creators may', async () => {
    expect((await handleCommand(deps, as('member'), 'grant', { member: 'Sam', product: 'python-bootcamp' })).error).toMatchObject({ code: 'forbidden' });
    expect((await handleCommand(deps, as('creator'), 'grant', { member: 'Nobody', product: 'python-bootcamp' })).error).toEqual({ code: 'member_not_found' });
    const granted = await handleCommand(deps, as('creator'), 'grant', { member: 'mia', product: 'python-bootcamp', days: '7' });
    expect(granted.reply.body).toBe('Granted Python Bootcamp to Mia until 2026-12-08.');
    const mine = await handleCommand(deps, as('member'), 'my', {});
    expect(mine.reply.fields?.[0]).toMatchObject({ name: 'Python Bootcamp', value: 'Active until 2026-12-08' });
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'access.grant'));
    expect(audit?.details).toMatchObject({ days: 7 });
  });

  it('explains a member’s access in one message', async () => {
    const status = await handleCommand(deps, as('staff'), 'access', { action: 'status', member: 'Mia' });
    expect(status.reply.title).toBe('Access of Mia');
    expect(status.reply.fields?.[0]?.value).toBe('Python Bootcamp · manual · Active · 2026-12-08');
    expect((await handleCommand(deps, as('member'), 'access', { action: 'status', member: 'Mia' })).error).toMatchObject({ code: 'forbidden' });
  });

  it('ends a time-boxed grant on its date', async () => {
    clock.advance(8 * DAY);
    const result = await runLifecycle({ ...deps, access: {} });
    expect(result).toMatchObject({ ok: true, value: { ended: 1 } });
    const status = await handleCommand(deps, as('creator'), 'access', { action: 'status', member: 'Mia' });
    expect(status.reply.fields?.[0]?.value).toBe('Python Bootcamp · manual · Expired · 2026-12-08');
  });

  it('shows and changes the community’s grace days, creators only, audited', async () => {
    expect((await handleCommand(deps, as('member'), 'settings', { grace_days: '5' })).error).toMatchObject({ code: 'forbidden' });
    const changed = await handleCommand(deps, as('creator'), 'settings', { grace_days: '5' });
    expect(changed.reply.fields).toEqual([
      { name: 'Grace days after a failed renewal', value: '5' },
      { name: 'During grace', value: 'members keep their roles' },
      { name: 'Where staff take tickets', value: expect.stringMatching(/^not set: /) },
      { name: 'First-response target (minutes)', value: '240', inline: true },
      { name: 'Refund window (days)', value: 'off: every refund goes to staff', inline: true },
      { name: 'Lesson files', value: 'up to 50 MB each, 10 per lesson' },
      { name: 'Blocked words', value: 'none' },
      { name: 'Announcement channel (Discord)', value: expect.stringMatching(/^none: /) },
      { name: 'Paid Telegram broadcast', value: 'off', inline: true },
      { name: 'Rate limits', value: expect.stringMatching(/^A member, per command: 8 per 20 s\n/) },
    ]);
    expect((await handleCommand(deps, as('creator'), 'settings', { grace_access: 'role' })).error).toMatchObject({ code: 'invalid_input' });
    expect((await handleCommand(deps, as('creator'), 'settings', { grace_role: '123456789/987654321' })).error).toMatchObject({ code: 'invalid_input', details: expect.stringContaining('not linked to this community') });
    expect((await handleCommand(deps, as('creator'), 'settings', { grace_role: '123456789/987654321', grace_roleBlocked: 'above_bot' })).error).toMatchObject({ code: 'role_not_assignable' });
    expect((await handleCommand(deps, as('creator'), 'settings', {})).reply.fields?.[0]?.value).toBe('5');
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'community.settings'));
    expect(audit?.details).toEqual({ graceDays: 5 });
  });

  it('sets where staff take tickets, the first-response target and the refund window, in linked spaces only', async () => {
    const set = (options: Record<string, string>) => handleCommand(deps, as('creator'), 'settings', options);
    expect((await set({ support_channel: '123456789/987654321' })).error).toMatchObject({ code: 'invalid_input', details: expect.stringContaining('not linked to this community') });
    expect((await set({ support_role: '123456789/987654321' })).error).toMatchObject({ code: 'invalid_input', details: expect.stringContaining('support_channel') });
    expect((await set({ support_chat: '-1001234567', support_chatBlocked: 'not_forum' })).error).toMatchObject({ code: 'invalid_input', details: expect.stringContaining('Topics') });
    expect((await set({ first_response_minutes: '2' })).error).toMatchObject({ code: 'invalid_input' });
    const changed = await set({ first_response_minutes: '30', refund_window_days: '14' });
    expect(changed.reply.fields?.slice(3, 5)).toEqual([
      { name: 'First-response target (minutes)', value: '30', inline: true },
      { name: 'Refund window (days)', value: '14', inline: true },
    ]);
    expect((await set({ refund_window_days: '0' })).reply.fields?.[4]?.value).toBe('off: every refund goes to staff');
  });

  it('revokes a paid product for good: a duplicate payment event does not bring it back', async () => {
    const checkout = await handleCommand(deps, as('staff'), 'buy', { product: 'python-bootcamp' });
    const [order] = await database.db.select().from(orders).where(eq(orders.status, 'pending'));
    await handleAction(deps, as('staff'), encodeAction({ type: 'order.pay_sandbox', orderId: order!.id }));
    expect(checkout.error).toBeUndefined();
    const [event] = await database.db.select().from(paymentEvents).where(eq(paymentEvents.orderId, order!.id));
    await processPaymentEvent(deps, event!.id);
    expect((await database.db.select().from(entitlements).where(eq(entitlements.orderId, order!.id)))[0]?.status).toBe('active');

    const revoked = await handleCommand(deps, as('creator'), 'revoke', { member: 'Sam', product: 'python-bootcamp', reason: 'shared the course files' });
    expect(revoked.reply.body).toBe('Revoked Python Bootcamp from Sam. Their access is being removed.');
    await withOrderLock(database.db, order!.id, (tx, locked) => applyPaymentFacts(tx, locked, 'sandbox', [{ kind: 'charge', ref: `sbx_${order!.id}`, amount: 9900, currency: 'USD', occurredAt: clock.now() }], clock.now()));
    const [after] = await database.db.select().from(entitlements).where(eq(entitlements.orderId, order!.id));
    expect(after).toMatchObject({ status: 'revoked', revokeReason: 'shared the course files' });
    expect((await handleCommand(deps, as('creator'), 'revoke', { member: 'Sam', product: 'python-bootcamp', reason: 'again' })).error).toEqual({ code: 'nothing_to_revoke' });
    const audits = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'access.revoke')));
    expect(audits).toHaveLength(1);
  });
});
