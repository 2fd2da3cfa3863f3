/**
 * Reconciliation of one large Discord server against the simulator: MEMBERS members, 1% of them
 * drifted by hand (half lost the role they pay for, half hold it without paying). Measures the
 * audit (a fresh member listing), the repair through the access worker until the server matches,
 * and the scheduled reconciliation that follows (from observations: no listing). Prints the wall
 * time, the platform API calls made and the calls per repaired difference.
 * Run: `npm run bench:reconcile` (MEMBERS to change the size, WORKER_CONCURRENCY the workers).
 */
import path from 'node:path';
import { createLocalFileStore } from '../bots/files/local-file-store.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { and, eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createDiscordAccessGateway } from '../bots/discord/access-gateway.ts';
import { findDifferences } from '../core/access/find-differences.ts';
import { reconcileAll } from '../core/access/reconcile.ts';
import { repairDifferences } from '../core/access/repair-differences.ts';
import type { CoreDeps } from '../core/deps.ts';
import { accessGrants } from '../core/db/schema/index.ts';
import { systemClock } from '../core/ports.ts';
import { startEmbeddedRedis } from '../scripts/embedded/redis.ts';
import { startDiscordSim } from '../test/sim/discord/index.ts';
import { createDriftedDiscordServer } from '../test/support/drifted-discord-server.ts';
import { BullJobQueue } from '../workers/bull-job-queue.ts';
import { startWorkers } from '../workers/runner.ts';
import { benchDatabase } from './support.ts';

const count = Number(process.env.MEMBERS ?? 10_000);
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 8);
const drifted = Math.max(2, Math.round(count / 100));
const log = pino({ level: 'silent' });
const quiet = { info: () => {}, warn: (message: string) => console.warn(message) };

const database = await benchDatabase();
const redisDir = await mkdtemp('/tmp/lyceum-bench-redis-');
const redisServer = await startEmbeddedRedis({ dir: redisDir, log: quiet, appendOnly: false });
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
const queue = new BullJobQueue(redis, 'bench');
const sim = await startDiscordSim();
try {
  const db = database.db;
  const { communityId, guildId, roleId, userIds, entitledCount } = await createDriftedDiscordServer(db, sim, { count, drifted });
  const discord = createDiscordAccessGateway({ token: sim.botToken, apiUrl: sim.apiUrl, log });
  const deps: CoreDeps = { db, queue, clock: systemClock, log, files: createLocalFileStore(path.join(redisDir, 'files')), payments: { sandbox: false }, access: { discord } };
  const workers = await startWorkers(deps, queue, { connection: redis, prefix: 'bench', concurrency, log, schedulers: false });
  const callsBefore = sim.calls.length;

  const auditStarted = performance.now();
  const found = await findDifferences(deps, communityId, { fresh: true });
  const auditSeconds = (performance.now() - auditStarted) / 1000;
  const auditCalls = sim.calls.length - callsBefore;

  const repairStarted = performance.now();
  const repaired = await repairDifferences(deps, communityId, found.differences, {});
  for (;;) {
    const [row] = await db.execute<{ left: number }>(
      sql`select count(*)::int as left from ${accessGrants} where ${accessGrants.communityId} = ${communityId} and ${accessGrants.desired}::text <> ${accessGrants.observed}::text`,
    );
    if ((row?.left ?? 1) === 0) break;
    if (performance.now() - repairStarted > 600_000) throw new Error('the repairs did not converge within 10 minutes');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const repairSeconds = (performance.now() - repairStarted) / 1000;
  await workers.close(10_000); // lets the last members' notices go out before counting
  const repairCalls = sim.calls.length - callsBefore - auditCalls;
  const byRoute = new Map<string, number>();
  for (const call of sim.calls.slice(callsBefore + auditCalls)) byRoute.set(`${call.method} ${call.route}`, (byRoute.get(`${call.method} ${call.route}`) ?? 0) + 1);

  const inSync = userIds.every((userId, index) => sim.memberRoles(guildId, userId).includes(roleId) === index < entitledCount);
  const scheduledStarted = performance.now();
  const callsBeforeScheduled = sim.calls.length;
  const scheduled = await reconcileAll(deps);
  const scheduledSeconds = (performance.now() - scheduledStarted) / 1000;
  const scheduledCalls = sim.calls.length - callsBeforeScheduled;
  const [held] = await db.select({ n: sql<number>`count(*)::int` }).from(accessGrants).where(and(eq(accessGrants.communityId, communityId), eq(accessGrants.desired, 'present')));

  const totalCalls = auditCalls + repairCalls;
  console.log(`\nReconciliation of one Discord server: ${count} members, ${drifted} drifted by hand (${((drifted / count) * 100).toFixed(1)}%)`);
  console.log(`audit (fresh member listing): ${auditSeconds.toFixed(2)} s, ${auditCalls} API calls, ${found.checked} members checked, ${found.differences.length} differences`);
  console.log(`repair through the access worker (${concurrency} in flight): ${repairSeconds.toFixed(2)} s, ${repairCalls} API calls for ${repaired.length} repairs`);
  for (const [route, n] of byRoute) console.log(`  ${route}: ${n}`);
  console.log(`total: ${(auditSeconds + repairSeconds).toFixed(2)} s, ${totalCalls} API calls, ${(totalCalls / Math.max(1, repaired.length)).toFixed(2)} calls per repaired difference`);
  console.log(`scheduled reconciliation afterwards (observations, no listing): ${scheduledSeconds.toFixed(2)} s, ${scheduledCalls} API calls, ${scheduled.ok ? scheduled.value.differences : '?'} differences`);
  console.log(`server matches entitlements: ${inSync} (${held?.n} entitled grants)`);
} finally {
  await sim.close();
  await queue.close();
  await redis.quit();
  await redisServer.stop();
  await rm(redisDir, { recursive: true, force: true });
  await database.dispose();
}
