import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordDeliveryGateway } from '../../../bots/discord/delivery-gateway.ts';
import { encodeAction } from '../../../core/actions.ts';
import { announcements, deliveries } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand } from '../../../core/dispatch.ts';
import type { Reply } from '../../../core/reply.ts';
import { startWorkers, type WorkerRuntime } from '../../../workers/runner.ts';
import { type DiscordSim, startDiscordSim } from '../../sim/discord/index.ts';
import { createAnnounceWorld } from '../../support/announce-world.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';

const confirmOf = (reply: Reply) => {
  for (const row of reply.actions ?? []) for (const button of 'buttons' in row ? row.buttons : []) if ('action' in button && button.action.type === 'announce.confirm') return encodeAction(button.action);
  throw new Error(`no Confirm in ${JSON.stringify(reply)}`);
};

/**
 * Announcements on Discord through real workers and the Discord gateway: one post in the
 * server's announcement channel, published once to following servers, and DMs only to the
 * members who asked for announcements there.
 */
describe('announcements on Discord', () => {
  let database: TestDatabase;
  let sim: DiscordSim;
  let queues: TestQueues;
  let runtime: WorkerRuntime;

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startDiscordSim();
    queues = createTestQueues();
  });
  afterAll(async () => {
    await runtime?.close(5_000);
    await queues?.close();
    await sim?.close();
    await database?.drop();
  });

  it('posts and publishes in the announcement channel once and DMs only the opted-in', async () => {
    const owner = sim.createUser({ username: 'owner' }).id;
    const guild = sim.createGuild({ name: 'School', ownerId: owner });
    const channel = sim.createTextChannel(guild.id, 'news', { type: 5 });
    const world = await createAnnounceWorld(database.db, {
      platform: 'discord',
      count: 12,
      creatorUserId: owner,
      userIdOf: (index) => {
        const user = sim.createUser({ username: `m${index}` }).id;
        sim.addMember(guild.id, user);
        return user;
      },
      spaces: [{ kind: 'discord_guild', externalId: guild.id, settings: { announcementChannelId: channel.id } }],
    });
    const deps = { ...commandDeps(database.db, { queue: queues.queue }), log: silentLog, delivery: { discord: createDiscordDeliveryGateway({ token: sim.botToken, apiUrl: sim.apiUrl, dmsPerMinute: 100 }) } };
    runtime = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 4, log: silentLog, schedulers: false });
    const optedIn = world.audience.slice(0, 3);
    for (const member of optedIn) {
      const outcome = await handleCommand(deps, { ...world.caller(member.userId), spaceId: guild.id }, 'notifications', { kind: 'announcements', state: 'on', platform: 'discord' });
      expect(outcome.error).toBeUndefined();
    }

    const creator = { ...world.creatorCaller, spaceId: guild.id };
    const preview = await handleCommand(deps, creator, 'announce', { action: 'send', text: 'Live Q&A **tonight**' });
    expect(preview.error).toBeUndefined();
    expect(preview.reply.fields?.find((field) => field.name === 'Reaches')?.value).toBe('3 Discord DMs (members who asked for them)\n1 channel or group posts');
    const confirmed = await handleAction(deps, creator, confirmOf(preview.reply));
    expect(confirmed.reply.footer).toMatch(/DMs/);

    const [announcement] = await database.db.select().from(announcements).where(eq(announcements.communityId, world.communityId));
    await eventually(async () => ((await database.db.select().from(announcements).where(eq(announcements.id, announcement!.id)))[0]?.status === 'sent' ? true : undefined), 20_000);
    const posts = sim.channelMessages(channel.id).filter((message) => JSON.stringify(message).includes('tonight'));
    expect(posts).toHaveLength(1);
    expect(sim.crossposts(channel.id)).toHaveLength(1);
    for (const member of world.audience) expect(sim.dmMessages(member.userId)).toHaveLength(optedIn.includes(member) ? 1 : 0);
    // The creator's progress came to their DMs, as one message edited in place.
    // The final edit follows the switch to sent.
    await eventually(async () => (/Sent:/.test(JSON.stringify(sim.dmMessages(owner)[0])) ? true : undefined));
    expect(sim.dmMessages(owner)).toHaveLength(1);
    const rows = await database.db.select().from(deliveries).where(and(eq(deliveries.announcementId, announcement!.id), eq(deliveries.status, 'sent')));
    expect(rows).toHaveLength(4);
  }, 40_000);
});
