import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramDeliveryGateway } from '../../../bots/telegram/delivery-gateway.ts';
import { deliveries, unreachableTargets } from '../../../core/db/schema/index.ts';
import { sendDelivery } from '../../../core/delivery/send-delivery.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { testPacers } from '../../support/pacers.ts';

/** The delivery ledger's send step against the Telegram simulator, paced through real Redis by two "workers". */
describe('sendDelivery', () => {
  let database: TestDatabase;
  let sim: TelegramSim;
  let communityId: string;
  const paced = testPacers(2);
  const workers = () =>
    paced.pacers.map((pacer) => ({
      ...commandDeps(database.db),
      log: silentLog,
      pacer,
      delivery: { telegram: createTelegramDeliveryGateway({ token: sim.token, apiRoot: sim.apiRoot }) },
    }));
  const plan = async (userId: number, key: string, startedAt?: Date) => {
    const [row] = await database.db
      .insert(deliveries)
      .values({ communityId, kind: 'direct', dedupeKey: key, platform: 'telegram', targetKind: 'dm', targetId: String(userId), payload: { body: 'Week 3 is <open> & ready' }, ...(startedAt ? { startedAt } : {}) })
      .returning({ id: deliveries.id });
    return row!.id;
  };
  const sendsTo = (userId: number) => sim.calls.filter((call) => call.method === 'sendMessage' && call.ok && String((call.params as { chat_id: unknown }).chat_id) === String(userId)).length;

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ communityId } = await seedDemoCommunity(database.db, new Date()));
    sim = await startTelegramSim({ botUsername: 'lyceum_delivery_bot' });
  });
  afterAll(async () => {
    await sim.close();
    await paced.close();
    await database.drop();
  });

  it('sends each row once, fails and remembers the unreachable, and skips them next time', async () => {
    const users = Array.from({ length: 30 }, (_, index) => sim.createUser({ firstName: `M${index}` }).id);
    for (const user of users.slice(0, 29)) await sim.user(user).startBot();
    for (const user of users.slice(0, 3)) sim.user(user).blockBot();
    // users[29] never pressed Start: the bot may not write first.
    const ids = await Promise.all(users.map((user, index) => plan(user, `hello-${index}`)));
    const [a, b] = workers();
    const queue = [...ids, ...ids]; // every row handed to the workers twice, as a redelivered job would be
    const outcomes: unknown[] = [];
    const worker = async (deps: typeof a) => {
      for (let id = queue.shift(); id; id = queue.shift()) outcomes.push(await sendDelivery(deps!, id));
    };
    await Promise.all([worker(a), worker(a), worker(a), worker(b), worker(b), worker(b)]);

    for (const user of users.slice(3, 29)) expect(sendsTo(user)).toBe(1);
    const rows = await database.db.select({ status: deliveries.status, lastError: deliveries.lastError }).from(deliveries);
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(26);
    expect(rows.filter((row) => row.status === 'failed').map((row) => row.lastError)).toEqual(expect.arrayContaining([expect.stringMatching(/blocked/), expect.stringMatching(/initiate/)]));
    expect(await database.db.select().from(unreachableTargets)).toHaveLength(4);

    const callsBefore = sim.calls.length;
    expect(await sendDelivery(a!, await plan(users[0]!, 'second-0'))).toBe('skipped');
    expect(sim.calls.length).toBe(callsBefore);
  }, 30_000);

  it('records a send that died mid-call as unconfirmed and never repeats it', async () => {
    const user = sim.createUser({ firstName: 'Crash' }).id;
    await sim.user(user).startBot();
    const id = await plan(user, 'crashed', new Date(Date.now() - 10 * 60_000));
    const [a] = workers();
    expect(await sendDelivery(a!, id)).toBe('unconfirmed');
    expect(await sendDelivery(a!, id)).toBe('done');
    expect(sendsTo(user)).toBe(0);
    const [row] = await database.db.select().from(deliveries).where(eq(deliveries.id, id));
    expect(row).toMatchObject({ status: 'sent', unconfirmed: true });
  });

  it('obeys a 429 retry_after for every worker, then sends once', async () => {
    const user = sim.createUser({ firstName: 'Busy' }).id;
    await sim.user(user).startBot();
    const id = await plan(user, 'flood');
    const [a, b] = workers();
    sim.failNext({ method: 'sendMessage', errorCode: 429, retryAfter: 1 });
    expect(await sendDelivery(a!, id)).toEqual({ retryInMs: 1_000 });
    const other = await b!.pacer.reserve([{ key: 'telegram:global', limit: 25, windowMs: 1_000 }]);
    expect(other.granted).toBe(false);
    // The other worker does not wait in place: its job steps aside until the pause is over.
    const waiting = await sendDelivery(b!, id);
    expect(waiting).toEqual({ retryInMs: expect.any(Number) });
    expect(sendsTo(user)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, (waiting as { retryInMs: number }).retryInMs));
    expect(await sendDelivery(b!, id)).toBe('sent');
    expect(sendsTo(user)).toBe(1);
  });
});
