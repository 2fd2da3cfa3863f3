import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAccessGateway } from '../../../bots/discord/access-gateway.ts';
import { applyGrant } from '../../../core/access/apply-grant.ts';
import { findDifferences } from '../../../core/access/find-differences.ts';
import { repairDifferences } from '../../../core/access/repair-differences.ts';
import { type DiscordSim, startDiscordSim } from '../../sim/discord/index.ts';
import { RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createDriftedDiscordServer, type DriftedDiscordServer } from '../../support/drifted-discord-server.ts';
import { FakeClock, silentLog } from '../../support/fakes.ts';

const ROLE_ROUTE = '/guilds/:id/members/:id/roles/:id';

/**
 * Two reconciliations of one server overlap (the hourly one and a creator's `/access audit
 * apply`, in different workers): the one that repairs second works from a listing taken before
 * the first repaired. It must leave those grants alone, or the member gets the role and the
 * "you have access" message twice.
 */
describe('an audit repaired after another repair got there first', () => {
  let database: TestDatabase;
  let sim: DiscordSim;
  let server: DriftedDiscordServer;
  const queue = new RecordingQueue();
  let deps: Parameters<typeof findDifferences>[0] & Parameters<typeof repairDifferences>[0] & Parameters<typeof applyGrant>[0];

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startDiscordSim();
    server = await createDriftedDiscordServer(database.db, sim, { count: 20, drifted: 4 });
    deps = { db: database.db, queue, clock: new FakeClock(new Date()), log: silentLog, access: { discord: createDiscordAccessGateway({ token: sim.botToken, apiUrl: sim.apiUrl, log: silentLog }) } };
  });
  afterAll(async () => {
    await sim.close();
    await database.drop();
  });

  it('repairs nothing the first repair already handled, and touches the server once per difference', async () => {
    const stale = await findDifferences(deps, server.communityId, { fresh: true });
    const current = await findDifferences(deps, server.communityId, { fresh: true });
    expect([stale.differences.length, current.differences.length]).toEqual([4, 4]);

    expect(await repairDifferences(deps, server.communityId, current.differences, {})).toHaveLength(4);
    for (const { grantId } of queue.of('access.apply-grant')) await applyGrant(deps, grantId);
    queue.jobs.length = 0;
    expect(server.userIds.filter((userId, index) => sim.memberRoles(server.guildId, userId).includes(server.roleId) !== index < server.entitledCount)).toEqual([]);

    expect(await repairDifferences(deps, server.communityId, stale.differences, {})).toEqual([]);
    expect(queue.jobs).toEqual([]);
    expect(sim.calls.filter((call) => call.route === ROLE_ROUTE)).toHaveLength(4);
  });
});
