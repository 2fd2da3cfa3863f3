import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordDeliveryGateway } from '../../../bots/discord/delivery-gateway.ts';
import { deliveries } from '../../../core/db/schema/index.ts';
import type { CoreDeps } from '../../../core/deps.ts';
import { DISCORD_INVALID_REQUESTS, platformLimits } from '../../../core/delivery/platform-limits.ts';
import { sendDelivery } from '../../../core/delivery/send-delivery.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { type DiscordSim, startDiscordSim } from '../../sim/discord/index.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { testPacers } from '../../support/pacers.ts';

/** The ledger's send step on Discord: DMs closed are unreachable and counted as invalid requests; too many hold DMs back. */
describe('sendDelivery on Discord', () => {
  let database: TestDatabase;
  let sim: DiscordSim;
  let communityId: string;
  const paced = testPacers();
  let deps: ReturnType<typeof commandDeps> & Required<Pick<CoreDeps, 'pacer' | 'delivery'>>;
  const plan = async (target: { kind: 'dm' | 'channel'; id: string }, key: string) => {
    const [row] = await database.db
      .insert(deliveries)
      .values({ communityId, kind: 'direct', dedupeKey: key, platform: 'discord', targetKind: target.kind, targetId: target.id, payload: { body: 'New lesson: @everyone look' } })
      .returning({ id: deliveries.id });
    return row!.id;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ communityId } = await seedDemoCommunity(database.db, new Date()));
    sim = await startDiscordSim();
    deps = { ...commandDeps(database.db), log: silentLog, pacer: paced.pacers[0]!, delivery: { discord: createDiscordDeliveryGateway({ token: sim.botToken, apiUrl: sim.apiUrl }) } };
  });
  afterAll(async () => {
    await sim.close();
    await paced.close();
    await database.drop();
  });

  it('DMs the open, marks the closed unreachable and counts them toward the invalid-request limit', async () => {
    const owner = sim.createUser({ username: 'owner' }).id;
    const guild = sim.createGuild({ name: 'School', ownerId: owner });
    const members = Array.from({ length: 8 }, (_, index) => sim.createUser({ username: `m${index}` }).id);
    for (const member of members) sim.addMember(guild.id, member);
    for (const member of members.slice(0, 3)) sim.closeDms(member);
    const outcomes = [];
    for (const [index, member] of members.entries()) outcomes.push(await sendDelivery(deps, await plan({ kind: 'dm', id: member }, `dm-${index}`)));
    expect(outcomes).toEqual(['failed', 'failed', 'failed', 'sent', 'sent', 'sent', 'sent', 'sent']);
    expect(await deps.pacer.count(DISCORD_INVALID_REQUESTS, platformLimits.discord.invalidRequestsWindowMs)).toBe(3);
    const dm = sim.user(members[4]!).dmMessages().at(-1)!;
    expect(dm.allowedMentions).toEqual({ parse: [] });
    expect(await sendDelivery(deps, await plan({ kind: 'channel', id: guild.systemChannelId }, 'post'))).toBe('sent');
  });

  it('holds DMs back once the invalid requests near the limit, while channel posts go on', async () => {
    for (let index = 3; index < platformLimits.discord.invalidRequestsStopDmsAt; index += 1) await deps.pacer.note(DISCORD_INVALID_REQUESTS, platformLimits.discord.invalidRequestsWindowMs);
    const member = sim.createUser({ username: 'late' }).id;
    const calls = sim.calls.length;
    expect(await sendDelivery(deps, await plan({ kind: 'dm', id: member }, 'held'))).toEqual({ retryInMs: 60_000, invalidRequests: true });
    expect(sim.calls.length).toBe(calls);
    const guild = sim.createGuild({ name: 'Other', ownerId: member });
    expect(await sendDelivery(deps, await plan({ kind: 'channel', id: guild.systemChannelId }, 'post-2'))).toBe('sent');
  });
});
