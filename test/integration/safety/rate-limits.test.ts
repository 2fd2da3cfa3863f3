import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisRateLimiter } from '../../../bots/rate-limiter.ts';
import type { CommandDeps } from '../../../core/commands/index.ts';
import { communities } from '../../../core/db/schema/index.ts';
import { handleCommand, type Outcome } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import type { MemberRole } from '../../../core/members/rbac.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';

const persona = (role: MemberRole): Caller => ({ platform: 'console', userId: consolePersonas[role].userId, displayName: consolePersonas[role].displayName, locale: 'en', spaceId: CONSOLE_SPACE_ID });
const tally = (outcomes: Outcome[]) => ({
  ran: outcomes.filter((outcome) => outcome.error?.code !== 'rate_limited').length,
  told: outcomes.filter((outcome) => outcome.error?.code === 'rate_limited' && !outcome.silent).length,
  silent: outcomes.filter((outcome) => outcome.silent).length,
});

describe('rate limits in core, counted in Redis', () => {
  let database: TestDatabase;
  let redis: Redis;
  let deps: CommandDeps;
  let communityId: string;
  const prefix = `rl${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await seedDemoCommunity(database.db, new Date())).communityId;
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    deps = { ...commandDeps(database.db), limits: createRedisRateLimiter(redis, prefix, silentLog) };
  });
  afterAll(async () => {
    await redis.quit();
    await database.drop();
  });

  const run = (caller: Caller, name: Parameters<typeof handleCommand>[2], options: unknown = {}, through = deps) => handleCommand(through, caller, name, options);

  it('counts one member\'s uses of one command, across processes, and leaves other commands alone', async () => {
    // Two bots processes: each with its own limiter and Redis connection, counting into the same windows.
    const second = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const other = { ...deps, limits: createRedisRateLimiter(second, prefix, silentLog) };
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => run(persona('member'), 'my', {}, i % 2 ? other : deps)));
    await second.quit();
    expect(tally(outcomes)).toEqual({ ran: 8, told: 1, silent: 11 });
    const told = outcomes.find((outcome) => outcome.error?.code === 'rate_limited' && !outcome.silent)!;
    expect(told.reply.body).toMatch(/^Slow down a little: that was a lot at once\. Try again in \d+ s\.$/);
    expect((await run(persona('member'), 'courses')).error).toBeUndefined();
  });

  it('lets the owner set the community\'s limits, refuses a malformed one as a whole, and goes back to the defaults', async () => {
    const refused = await run(persona('owner'), 'settings', { rate_limits: 'commands=3/60, clicks=5/10' });
    expect(refused.error?.code).toBe('invalid_input');
    expect(refused.reply.body).toContain('"clicks=5/10" is not name=uses/seconds');
    expect((await run(persona('owner'), 'settings', { rate_limits: 'commands=0/60' })).error?.code).toBe('invalid_input');
    const [before] = await database.db.select({ settings: communities.settings }).from(communities).where(eq(communities.id, communityId));
    expect(before!.settings.rateLimits).toBeUndefined();

    const set = await run(persona('owner'), 'settings', { rate_limits: 'creator=3/60, announce=2/3600' });
    expect(set.error).toBeUndefined();
    expect(set.reply.fields?.find((field) => field.name === 'Rate limits')?.value).toContain('Owners, creators and staff together: 3 commands per 60 s');
    // Staff are not held to a member's per-command limit but to the community's: 3 a minute for all of them
    // (a new limit starts a fresh window).
    const staff = await Promise.all([run(persona('creator'), 'sales'), run(persona('staff'), 'tickets'), run(persona('creator'), 'sales'), run(persona('owner'), 'sales'), run(persona('staff'), 'tickets')]);
    expect(tally(staff)).toEqual({ ran: 3, told: 1, silent: 1 });

    // Sends to members count against `announce` (2 an hour here), whoever of the team sends them; a member's refused try does not.
    expect((await run(persona('member'), 'live', { action: 'schedule', title: 'Nope', at: 'in 1d' })).error).toMatchObject({ code: 'forbidden' });
    const sessions = [];
    for (const title of ['Office hours', 'Q&A', 'Demo day']) sessions.push(await run(persona('owner'), 'live', { action: 'schedule', title, at: 'in 1d' }, { ...deps, limits: createRedisRateLimiter(redis, `${prefix}live`, silentLog) }));
    expect(sessions.map((outcome) => outcome.error?.code)).toEqual([undefined, undefined, 'rate_limited']);

    const reset = await run(persona('owner'), 'settings', { rate_limits: 'default' }, { ...deps, limits: undefined });
    expect(reset.error).toBeUndefined();
    const [after] = await database.db.select({ settings: communities.settings }).from(communities).where(eq(communities.id, communityId));
    expect(after!.settings.rateLimits).toBeUndefined();
  });

  it('allows uses when Redis cannot count them, rather than taking the bots down', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: null });
    const blind = { ...deps, limits: createRedisRateLimiter(unreachable, prefix, silentLog) };
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => run(persona('member'), 'help', {}, blind)));
    expect(tally(outcomes)).toEqual({ ran: 12, told: 0, silent: 0 });
    unreachable.disconnect();
  });
});
