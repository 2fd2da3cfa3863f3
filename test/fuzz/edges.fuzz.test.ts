import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../bots/stripe/stripe-gateway.ts';
import { mountStripeWebhook, STRIPE_WEBHOOK_PATH } from '../../bots/stripe/webhook-route.ts';
import { createTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import { seedDemoCommunity } from '../../core/seed/seed-demo.ts';
import { commandDeps, RecordingQueue } from '../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import { fuzz } from './fuzz-report.ts';

/** What the platform edges receive from outside: Stripe webhook calls and Telegram updates of any shape. */
describe('fuzz: the platform edges', () => {
  let database: TestDatabase;
  let sim: TelegramSim;
  let telegram: TelegramBot;
  const errors: string[] = [];
  // The bots' error boundary logs what a handler threw: any such line is a crash the fuzzer found.
  const log = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
  const queue = new RecordingQueue();
  const webhookSecret = `whsec_${randomBytes(8).toString('hex')}`;
  const app = new Hono();
  const signer = createStripeClient({ secretKey: 'sk_test_fuzz' });

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    const deps = commandDeps(database.db, { queue });
    mountStripeWebhook(app, { stripe: signer, webhookSecret, deps, log });
    sim = await startTelegramSim({ botUsername: 'lyceum_fuzz_bot' });
    telegram = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps, log });
    await telegram.bot.telegram.getMe().then((me) => { telegram.bot.botInfo = me; });
  });
  afterAll(async () => {
    await sim?.close();
    await database?.drop();
  });

  it('Stripe webhook bodies and signatures: forged or malformed calls are refused and store nothing', async () => {
    const body = fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 3 }), fc.record({ id: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('evt_fuzz')), type: fc.constantFrom('checkout.session.completed', 'charge.refunded', 'x'), data: fc.anything() }).map((event) => JSON.stringify(event)));
    const signature = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 120 }), fc.constant('t=1,v1=00'), fc.constant('forged'));
    await fuzz('stripe webhooks (forged)', fc.tuple(body, signature), async ([payload, header]) => {
      const response = await app.request(STRIPE_WEBHOOK_PATH, { method: 'POST', body: payload, headers: header === undefined ? {} : { 'stripe-signature': header } });
      expect(response.status).toBe(400);
    }, 300);
    await fuzz('stripe webhooks (signed, malformed)', fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 3 })), async (payload) => {
      const header = signer.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
      const response = await app.request(STRIPE_WEBHOOK_PATH, { method: 'POST', body: payload, headers: { 'stripe-signature': header } });
      expect([200, 400]).toContain(response.status);
    }, 200);
    const [stored] = (await database.db.execute(sql`select count(*)::int as n from payment_events`)) as unknown as Array<{ n: number }>;
    expect(stored!.n).toBe(0);
    expect(queue.jobs).toEqual([]);
  });

  it('Telegram updates of random shape: handled or dropped, never a crash', async () => {
    const user = fc.record({ id: fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.string({ maxLength: 5 })), is_bot: fc.boolean(), first_name: fc.string({ maxLength: 20 }), language_code: fc.option(fc.constantFrom('en', 'zh', 'xx', ''), { nil: undefined }) });
    const chat = fc.oneof(fc.record({ id: fc.integer({ min: 1, max: 2 ** 40 }), type: fc.constant('private') }), fc.record({ id: fc.integer({ min: -(2 ** 40), max: -1 }), type: fc.constantFrom('group', 'supergroup', 'channel'), title: fc.string({ maxLength: 20 }) }));
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('/start', '/start x', '/courses', '/buy', '/settings rate_limits:"x"', '/privacy delete', '/audit', '/help@lyceum_fuzz_bot'));
    const update = fc.oneof(
      fc.record({ update_id: fc.nat(), message: fc.record({ message_id: fc.nat(), date: fc.nat(), chat, from: user, text }) }),
      fc.record({ update_id: fc.nat(), callback_query: fc.record({ id: fc.string({ maxLength: 10 }), from: user, chat_instance: fc.string({ maxLength: 5 }), data: fc.string({ maxLength: 64 }) }) }),
      fc.record({ update_id: fc.nat(), chat_join_request: fc.record({ chat, from: user, user_chat_id: fc.nat(), date: fc.nat() }) }),
      fc.record({ update_id: fc.nat(), pre_checkout_query: fc.record({ id: fc.string({ maxLength: 10 }), from: user, currency: fc.constantFrom('XTR', 'USD'), total_amount: fc.integer(), invoice_payload: fc.string({ maxLength: 40 }) }) }),
      fc.anything().map((value) => ({ update_id: 1, value })),
    );
    await fuzz('telegram updates', update, async (value) => {
      await telegram.bot.handleUpdate(value as never);
    }, 200);
    // Updates are handled off the caller's path; closing waits for every one in flight.
    await telegram.close();
    // Chats and query ids are Telegram's own: a call about one it never issued is refused (400) and
    // the boundary logs it. Real updates cannot carry those (they come from Telegram), so only
    // Lyceum's own failures count: anything that is not the platform's refusal.
    expect(errors.filter((line) => !/"type":"TelegramError".*"error_code":400/.test(line))).toEqual([]);
    expect(sim.callsTo('sendMessage').length).toBeGreaterThan(0);
  });
});
