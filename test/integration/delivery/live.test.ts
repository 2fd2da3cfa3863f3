import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordDeliveryGateway } from '../../../bots/discord/delivery-gateway.ts';
import { createTelegramDeliveryGateway } from '../../../bots/telegram/delivery-gateway.ts';
import { deliveries, liveSessions } from '../../../core/db/schema/index.ts';
import { remindLive } from '../../../core/delivery/live/publish-live.ts';
import { handleCommand } from '../../../core/dispatch.ts';
import { startWorkers, type WorkerRuntime } from '../../../workers/runner.ts';
import { type DiscordSim, startDiscordSim } from '../../sim/discord/index.ts';
import { Permission } from '../../sim/discord/model.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import { createAnnounceWorld } from '../../support/announce-world.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock, silentLog } from '../../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';

const HOUR = 60 * 60_000;

/**
 * Live sessions through real workers: `/live schedule` becomes a Discord scheduled event in the
 * linked server's voice channel and a post in the linked Telegram group; the audience is reminded
 * an hour before and at the start, once each, on the controllable clock; `/live cancel` cancels
 * the event and says so in the group.
 */
describe('live sessions', () => {
  let database: TestDatabase;
  let telegram: TelegramSim;
  let discord: DiscordSim;
  let queues: TestQueues;
  let runtime: WorkerRuntime;
  const clock = new FakeClock(new Date());

  beforeAll(async () => {
    database = await createTestDatabase();
    telegram = await startTelegramSim({ botUsername: 'lyceum_live_bot' });
    discord = await startDiscordSim();
    queues = createTestQueues();
  });
  afterAll(async () => {
    await runtime?.close(5_000);
    await queues?.close();
    await telegram?.close();
    await discord?.close();
    await database?.drop();
  });

  it('schedules on both platforms, reminds an hour before and at the start once each, and cancels', async () => {
    const creator = telegram.createUser({ firstName: 'Chloe', startedBot: true }).id;
    const owner = discord.createUser({ username: 'owner' }).id;
    const guild = discord.createGuild({ name: 'School', ownerId: owner, botPermissions: Permission.ViewChannel | Permission.SendMessages | (1n << 33n) });
    const voice = discord.createTextChannel(guild.id, 'Stage', { type: 2 });
    const group = telegram.createGroup({ title: 'Cohort', type: 'supergroup', creatorId: creator });
    const world = await createAnnounceWorld(database.db, {
      platform: 'telegram',
      count: 5,
      creatorUserId: String(creator),
      userIdOf: (index) => String(telegram.createUser({ firstName: `M${index}`, startedBot: true }).id),
      spaces: [{ kind: 'discord_guild', externalId: guild.id }, { kind: 'telegram_supergroup', externalId: String(group.id) }],
    });
    const deps = {
      ...commandDeps(database.db, { queue: queues.queue, clock }),
      log: silentLog,
      delivery: { telegram: createTelegramDeliveryGateway({ token: telegram.token, apiRoot: telegram.apiRoot }), discord: createDiscordDeliveryGateway({ token: discord.botToken, apiUrl: discord.apiUrl }) },
    };
    runtime = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 2, log: silentLog, schedulers: false });

    const member = world.caller(world.audience[0]!.userId);
    expect((await handleCommand(deps, member, 'live', { action: 'schedule', title: 'Office hours', at: 'in 2h' })).error).toMatchObject({ code: 'forbidden' });
    expect((await handleCommand(deps, world.creatorCaller, 'live', { action: 'schedule', title: 'Office hours', at: '2020-01-01 10:00' })).error?.code).toBe('invalid_input');
    const scheduled = await handleCommand(deps, world.creatorCaller, 'live', { action: 'schedule', title: 'Office hours', at: 'in 2h', voice_channel: `${guild.id}/${voice.id}` });
    expect(scheduled.reply.title).toBe('Live session scheduled: Office hours');
    const [session] = await database.db.select().from(liveSessions);

    const [event] = await eventually(async () => (discord.scheduledEvents(guild.id).length ? discord.scheduledEvents(guild.id) : undefined));
    expect(event).toMatchObject({ name: 'Office hours', entityType: 2, channelId: voice.id, status: 1 });
    const groupPosts = () => telegram.calls.filter((call) => call.ok && call.method === 'sendMessage' && String((call.params as { chat_id: unknown }).chat_id) === String(group.id)).map((call) => (call.params as { text: string }).text);
    await eventually(async () => (groupPosts().length === 1 ? true : undefined));
    expect(groupPosts()[0]).toMatch(/Live session: Office hours/);
    expect((await handleCommand(deps, member, 'live', {})).reply.body).toMatch(/Office hours/);

    const reminders = (text: RegExp) => world.audience.map((audienceMember) => telegram.calls.filter((call) => call.ok && call.method === 'sendMessage' && String((call.params as { chat_id: unknown }).chat_id) === audienceMember.userId && text.test((call.params as { text: string }).text)).length);
    const remind = async () => {
      // The reminder run itself, on the test's clock (its schedule runs it every minute); the sends go through the workers.
      await remindLive(deps);
      await eventually(async () => ((await database.db.select({ status: deliveries.status }).from(deliveries)).every((row) => row.status !== 'pending') ? true : undefined));
    };
    await remind();
    expect(reminders(/In an hour/)).toEqual([0, 0, 0, 0, 0]);
    clock.advance(HOUR + 60_000);
    await remind();
    await eventually(async () => (reminders(/In an hour/).every((count) => count === 1) ? true : undefined));
    clock.advance(HOUR);
    await remind();
    await remind();
    await eventually(async () => (reminders(/Starting now/).every((count) => count === 1) ? true : undefined));
    expect(reminders(/In an hour/)).toEqual([1, 1, 1, 1, 1]);

    const second = await handleCommand(deps, world.creatorCaller, 'live', { action: 'schedule', title: 'Demo day', at: 'in 3d', link: 'https://meet.example.com/demo' });
    expect(second.error).toBeUndefined();
    await eventually(async () => (discord.scheduledEvents(guild.id).some((candidate) => candidate.name === 'Demo day') ? true : undefined));
    const [demo] = await database.db.select().from(liveSessions).where(eq(liveSessions.title, 'Demo day'));
    expect((await handleCommand(deps, world.creatorCaller, 'live', { action: 'cancel', session: demo!.id.slice(0, 8) })).reply.body).toBe('Canceled: Demo day');
    await eventually(async () => (discord.scheduledEvents(guild.id).find((candidate) => candidate.name === 'Demo day')?.status === 4 ? true : undefined));
    await eventually(async () => (groupPosts().some((text) => /Canceled: Demo day/.test(text)) ? true : undefined));
    expect(session!.status).toBe('scheduled');
  }, 60_000);
});
