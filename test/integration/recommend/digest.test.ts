import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleDeliveryGateway } from '../../../bots/console/delivery-gateway.ts';
import { type ConsoleRelay, ConsoleSupportGateway } from '../../../bots/console/support-gateway.ts';
import { createTelegramDeliveryGateway } from '../../../bots/telegram/delivery-gateway.ts';
import { encodeAction } from '../../../core/actions.ts';
import { digestReach } from '../../../core/analytics/reach.ts';
import { behaviourEvents, communities, deliveries, members, memberships, notificationPreferences, platformIdentities, recommendations } from '../../../core/db/schema/index.ts';
import { handleAction } from '../../../core/dispatch.ts';
import { planDigests } from '../../../core/recommend/digest.ts';
import { startWorkers, type WorkerRuntime } from '../../../workers/runner.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock, silentLog } from '../../support/fakes.ts';
import { createCourse } from '../../support/fixtures.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';

const CONSOLE_MEMBERS = 2_000;
const TELEGRAM_MEMBERS = 20;
/** Monday 30 November 2026, 10:05 UTC: the digest is due in a community on UTC. */
const DUE = new Date('2026-11-30T10:05:00Z');

/**
 * The weekly digest to 2,020 members through the delivery engine and real workers: 2,000 on the
 * console (no platform pacing) and 20 on Telegram through the simulator at its paced rate.
 * Members who turned digests off get none, nobody gets two however often the job runs, a click
 * on a digest's button is recorded and counted as click-through, and a week with nothing new
 * sends nothing.
 */
describe('the weekly digest', () => {
  let database: TestDatabase;
  let sim: TelegramSim;
  let queues: TestQueues;
  let runtime: WorkerRuntime;
  let communityId: string;
  const clock = new FakeClock(DUE);
  const relays = new ConsoleSupportGateway();
  const shown: ConsoleRelay[] = [];
  const people: Array<{ memberId: string; platform: 'console' | 'telegram'; userId: string }> = [];
  const optedOut = new Set<string>();
  let deps: ReturnType<typeof commandDeps>;

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startTelegramSim({ botUsername: 'lyceum_digest_bot', floodLimits: true });
    queues = createTestQueues();
    relays.attach((relay) => shown.push(relay));
    const [community] = await database.db.insert(communities).values({ slug: `digest-${randomUUID().slice(0, 8)}`, name: 'Digest Club', timezone: 'UTC' }).returning();
    communityId = community!.id;
    const courseIds: string[] = [];
    for (let n = 0; n < 6; n += 1) courseIds.push((await createCourse(database.db, communityId, { title: `Course ${n}`, slug: `course-${n}`, status: 'published' })).id);
    const platformOf = (n: number) => (n < CONSOLE_MEMBERS ? 'console' : 'telegram') as 'console' | 'telegram';
    const users = Array.from({ length: CONSOLE_MEMBERS + TELEGRAM_MEMBERS }, (_, n) => (platformOf(n) === 'console' ? `console-${n}` : String(sim.createUser({ firstName: `T${n}`, startedBot: true }).id)));
    for (let start = 0; start < users.length; start += 1_000) {
      const slice = users.slice(start, start + 1_000);
      const rows = await database.db.insert(members).values(slice.map((userId) => ({ displayName: userId }))).returning({ id: members.id });
      await database.db.insert(platformIdentities).values(rows.map((row, index) => ({ memberId: row.id, platform: platformOf(start + index), platformUserId: slice[index]!, activeCommunityId: communityId })));
      await database.db.insert(memberships).values(rows.map((row) => ({ communityId, memberId: row.id })));
      await database.db.insert(recommendations).values(rows.flatMap((row, index) => [0, 1, 2].map((rank) => ({ communityId, memberId: row.id, courseId: courseIds[(start + index + rank) % 6]!, rank: rank + 1, reason: 'popular' as const }))));
      people.push(...rows.map((row, index) => ({ memberId: row.id, platform: platformOf(start + index), userId: slice[index]! })));
    }
    // Every tenth member turned digests off; a few turned off private messages altogether; some turned digests off on Telegram only.
    const off = people.filter((_, n) => n % 10 === 3);
    await database.db.insert(notificationPreferences).values(off.map((person) => ({ communityId, memberId: person.memberId, kind: 'digests' as const, platform: 'all' as const, enabled: false })));
    const quiet = people.filter((person, n) => n % 10 === 7 && person.platform === 'console').slice(0, 25);
    await database.db.insert(notificationPreferences).values(quiet.map((person) => ({ communityId, memberId: person.memberId, kind: 'dms' as const, platform: 'all' as const, enabled: false })));
    const notOnTelegram = people.filter((person, n) => n % 10 === 5 && person.platform === 'telegram');
    await database.db.insert(notificationPreferences).values(notOnTelegram.map((person) => ({ communityId, memberId: person.memberId, kind: 'digests' as const, platform: 'telegram' as const, enabled: false })));
    for (const person of [...off, ...quiet, ...notOnTelegram]) optedOut.add(person.memberId);

    deps = commandDeps(database.db, { clock, queue: queues.queue });
    const workerDeps = { ...deps, log: silentLog, delivery: { console: createConsoleDeliveryGateway(relays), telegram: createTelegramDeliveryGateway({ token: sim.token, apiRoot: sim.apiRoot }) } };
    runtime = await startWorkers(workerDeps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 8, log: silentLog, schedulers: false });
  }, 120_000);
  afterAll(async () => {
    await runtime?.close(5_000);
    await queues?.close();
    await sim?.close();
    await database?.drop();
  });

  const settled = async () =>
    eventually(async () => {
      const [row] = await database.db.select({ pending: sql<number>`count(*) filter (where status = 'pending')::int` }).from(deliveries).where(eq(deliveries.communityId, communityId));
      return row!.pending === 0 ? true : undefined;
    }, 60_000);

  it('goes once to everyone who wants it, at the platforms’ pace, and never twice', async () => {
    clock.set(new Date('2026-11-30T09:55:00Z'));
    expect(await planDigests(deps)).toEqual({ planned: 0, unchanged: 0 });
    clock.set(DUE);
    const [first, again] = await Promise.all([planDigests(deps), planDigests(deps)]);
    const wanting = people.filter((person) => !optedOut.has(person.memberId));
    expect(first.planned + again.planned).toBe(wanting.length);
    expect((await planDigests(deps)).planned).toBe(0);
    await settled();

    const toMember = new Map<string, number>();
    for (const relay of shown) if (relay.to === 'member') toMember.set(relay.userId, (toMember.get(relay.userId) ?? 0) + 1);
    const telegramSends = (userId: string) => sim.calls.filter((call) => call.ok && call.method === 'sendMessage' && String((call.params as { chat_id: unknown }).chat_id) === userId).length;
    for (const person of people) {
      const received = person.platform === 'console' ? (toMember.get(person.userId) ?? 0) : telegramSends(person.userId);
      expect(received, `${person.platform} ${person.userId}`).toBe(optedOut.has(person.memberId) ? 0 : 1);
    }
    expect(sim.sendRate().maxPerSecondOverall).toBeLessThanOrEqual(30);
    const relay = shown.find((candidate) => candidate.to === 'member')!;
    expect(relay.reply.title).toBe('Your picks this week');
    expect(relay.reply.fields).toHaveLength(3);
  }, 90_000);

  it('records a click on a digest’s button and counts the click-through', async () => {
    const reader = people.find((person) => person.platform === 'console' && !optedOut.has(person.memberId))!;
    const [row] = await database.db.select().from(deliveries).where(and(eq(deliveries.memberId, reader.memberId), eq(deliveries.kind, 'digest')));
    const open = (row!.payload!.actions![0] as { buttons: Array<{ action: Parameters<typeof encodeAction>[0] }> }).buttons[0]!.action;
    expect(open.type).toBe('digest.open');
    const pressed = await handleAction(deps, { platform: 'console', userId: reader.userId, displayName: reader.userId }, encodeAction(open));
    expect(pressed.reply.title).toMatch(/^Course \d$/);
    const clicks = await database.db.select().from(behaviourEvents).where(and(eq(behaviourEvents.memberId, reader.memberId), eq(behaviourEvents.kind, 'digest_click')));
    expect(clicks).toHaveLength(1);
    const reach = await digestReach(database.db, communityId, { from: new Date('2026-11-30T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') });
    expect(reach).toEqual({ sent: people.length - optedOut.size, clicked: 1, rate: 1 / (people.length - optedOut.size) });
  });

  it('skips a week with nothing new to say', async () => {
    clock.set(new Date('2026-12-07T10:05:00Z'));
    expect(await planDigests(deps)).toEqual({ planned: 0, unchanged: people.length - optedOut.size });
  });
});
