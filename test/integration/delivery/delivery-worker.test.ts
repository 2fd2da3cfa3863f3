import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramDeliveryGateway } from '../../../bots/telegram/delivery-gateway.ts';
import { deliveries } from '../../../core/db/schema/index.ts';
import { platformLimits } from '../../../core/delivery/platform-limits.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { startWorkers, type WorkerRuntime } from '../../../workers/runner.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';

/** delivery.send through two real worker runtimes on one Redis: every row once, within Telegram's limits. */
describe('delivery.send job', () => {
  let database: TestDatabase;
  let sim: TelegramSim;
  let queues: TestQueues;
  let runtimes: WorkerRuntime[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startTelegramSim({ botUsername: 'lyceum_delivery_bot' });
    queues = createTestQueues();
  });
  afterAll(async () => {
    await Promise.all(runtimes.map((runtime) => runtime.close(5_000)));
    await queues.close();
    await sim.close();
    await database.drop();
  });

  it('sends 60 direct messages once each with two workers, within Telegram’s 30 a second and never twice a second to a chat', async () => {
    const { communityId } = await seedDemoCommunity(database.db, new Date());
    const deps = { ...commandDeps(database.db, { queue: queues.queue }), log: silentLog, delivery: { telegram: createTelegramDeliveryGateway({ token: sim.token, apiRoot: sim.apiRoot }) } };
    runtimes = await Promise.all([1, 2].map(() => startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 4, log: silentLog, schedulers: false })));
    const users = Array.from({ length: 30 }, (_, index) => sim.createUser({ firstName: `R${index}` }).id);
    for (const user of users) await sim.user(user).startBot();
    const rows = await database.db
      .insert(deliveries)
      .values(users.flatMap((user) => [1, 2].map((n) => ({ communityId, kind: 'direct' as const, dedupeKey: `note-${n}-${user}`, platform: 'telegram' as const, targetKind: 'dm' as const, targetId: String(user), payload: { body: `Note ${n}` } }))))
      .returning({ id: deliveries.id });
    for (const row of rows) await queues.queue.enqueue('delivery.send', { deliveryId: row.id });
    for (const row of rows) await queues.queue.enqueue('delivery.send', { deliveryId: row.id });

    await eventually(async () => {
      const settled = await database.db.select({ status: deliveries.status }).from(deliveries).where(inArray(deliveries.id, rows.map((row) => row.id)));
      return settled.every((row) => row.status === 'sent') ? true : undefined;
    }, 30_000);
    const sends = sim.calls.filter((call) => call.method === 'sendMessage' && call.ok);
    expect(sends).toHaveLength(60);
    const times = sends.map((call) => call.at).sort((a, b) => a - b);
    // Telegram's limit, on arrival times (the pacer keeps 25 a second by reservation, leaving room for jitter).
    expect(Math.max(...times.map((start) => times.filter((at) => at >= start && at < start + 1_000).length))).toBeLessThanOrEqual(platformLimits.telegram.platformPerSecond);
    for (const user of users) {
      const own = sends.filter((call) => String((call.params as { chat_id: unknown }).chat_id) === String(user)).map((call) => call.at).sort((a, b) => a - b);
      expect(own).toHaveLength(2);
      // Arrival times at the simulator: never two in one second to one chat (the pacer spaces them 1.25 s).
      expect(own[1]! - own[0]!).toBeGreaterThanOrEqual(1_000);
    }
  }, 60_000);
});
