import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramDeliveryGateway } from '../../../bots/telegram/delivery-gateway.ts';
import { deliveries } from '../../../core/db/schema/index.ts';
import { deliver } from '../../../core/delivery/deliver.ts';
import { handleStart } from '../../../core/dispatch.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import { createAnnounceWorld } from '../../support/announce-world.ts';
import { commandDeps, RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { testPacers } from '../../support/pacers.ts';

/** A dripped lesson for a Telegram member who never pressed Start: they are told in the group, once. */
describe('drip to a member who never started the bot', () => {
  let database: TestDatabase;
  let sim: TelegramSim;
  const paced = testPacers();

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startTelegramSim({ botUsername: 'lyceum_hint_bot' });
  });
  afterAll(async () => {
    await sim.close();
    await paced.close();
    await database.drop();
  });

  it('posts one hint in the group naming the member, however many lessons fail', async () => {
    const creator = sim.createUser({ firstName: 'Chloe', startedBot: true }).id;
    const silent = sim.createUser({ firstName: 'Quiet' }).id;
    const group = sim.createGroup({ title: 'Cohort', type: 'supergroup', creatorId: creator, memberIds: [silent] });
    const world = await createAnnounceWorld(database.db, { platform: 'telegram', count: 1, creatorUserId: String(creator), userIdOf: () => String(silent), spaces: [{ kind: 'telegram_supergroup', externalId: String(group.id) }] });
    const queue = new RecordingQueue();
    const deps = { ...commandDeps(database.db, { queue }), log: silentLog, pacer: paced.pacers[0]!, delivery: { telegram: createTelegramDeliveryGateway({ token: sim.token, apiRoot: sim.apiRoot }) } };
    const lesson = async (n: number) => {
      const [row] = await database.db
        .insert(deliveries)
        .values({ communityId: world.communityId, kind: 'lesson', dedupeKey: `drip-test-${n}`, memberId: world.audience[0]!.memberId, platform: 'telegram', targetKind: 'dm', targetId: String(silent), payload: { title: `Lesson ${n} is open` } })
        .returning({ id: deliveries.id });
      return row!.id;
    };
    expect(await deliver(deps, await lesson(1))).toBe('failed');
    const hints = queue.of('delivery.send');
    expect(hints).toHaveLength(1);
    expect(await deliver(deps, hints[0]!.deliveryId)).toBe('sent');
    const posted = sim.calls.filter((call) => call.ok && call.method === 'sendMessage' && String((call.params as { chat_id: unknown }).chat_id) === String(group.id));
    expect(posted).toHaveLength(1);
    expect((posted[0]!.params as { text: string }).text).toMatch(/Member \d+, a new lesson of yours is open.*press Start/);

    // The next lesson is skipped as unreachable, and nobody is told twice.
    expect(await deliver(deps, await lesson(2))).toBe('skipped');
    expect(queue.of('delivery.send')).toHaveLength(1);

    // Once they press Start, their lessons reach them again.
    await handleStart(deps, { platform: 'telegram', userId: String(silent), displayName: 'Quiet' }, undefined);
    await sim.user(silent).startBot();
    const third = await lesson(3);
    const first = await deliver(deps, third);
    // The first lesson's attempt took this chat's one-a-second slot a moment ago: it may still be taken.
    if (typeof first === 'object') await new Promise((resolve) => setTimeout(resolve, first.retryInMs));
    expect(typeof first === 'object' ? await deliver(deps, third) : first).toBe('sent');
  });
});
