import { eq } from 'drizzle-orm';
import { createDiscordAccessGateway } from '../../bots/discord/access-gateway.ts';
import { type DiscordBot, startDiscordBot } from '../../bots/discord/discord-bot.ts';
import { createDiscordSupportGateway } from '../../bots/discord/support-gateway.ts';
import { defaultClassifier } from '../../core/support/intents/default-classifier.ts';
import { platformSpaces, productGrants, products } from '../../core/db/schema/index.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runner.ts';
import { commandDeps } from '../support/core-deps.ts';
import { silentLog } from '../support/fakes.ts';
import { createTestQueues, type TestQueues } from '../support/queues.ts';
import { type DiscordSim, startDiscordSim } from '../sim/discord/index.ts';
import { createWorld, type World } from './world.ts';

export type DiscordClub = {
  world: World;
  sim: DiscordSim;
  queues: TestQueues;
  deps: ReturnType<typeof commandDeps>;
  guildId: string;
  botRoleId: string;
  /** The server owner, linked with /setup and made a creator of the demo community. */
  creator: string;
  /** The "Club" role the demo community's python-bootcamp grants. */
  roleId: string;
  /** The named members, in the server, who never used the bot. */
  members: Record<string, string>;
  close(): Promise<void>;
};

/**
 * A Discord server selling a role, as the access and support tests need it: the simulator, the
 * real bot and the workers (REST access and support gateways, no schedulers) on the demo community, the server linked by
 * its owner, and python-bootcamp granting the "Club" role.
 */
export async function startDiscordClub(memberNames: string[]): Promise<DiscordClub> {
  const world = await createWorld();
  const queues = createTestQueues();
  const sim = await startDiscordSim();
  const creator = sim.createUser({ username: 'olivia' }).id;
  const { id: guildId, botRoleId } = sim.createGuild({ name: 'Makers', ownerId: creator });
  const members: Record<string, string> = {};
  for (const name of memberNames) {
    members[name] = sim.createUser({ username: name }).id;
    sim.addMember(guildId, members[name]!);
  }
  const roleId = sim.createRole(guildId, { name: 'Club' }).id;
  const access = { discord: createDiscordAccessGateway({ token: sim.botToken, apiUrl: sim.apiUrl, log: silentLog }) };
  const support = { classifier: defaultClassifier(), gateways: { discord: createDiscordSupportGateway({ token: sim.botToken, apiUrl: sim.apiUrl, log: silentLog }) } };
  const deps = { ...commandDeps(world.database.db, { clock: world.clock, queue: queues.queue, payments: { sandbox: true }, support }), access };
  const bot: DiscordBot = await startDiscordBot({ token: sim.botToken, applicationId: sim.applicationId, apiUrl: sim.apiUrl, deps, log: silentLog });
  await bot.ready;
  const workers: WorkerRuntime = await startWorkers(deps, queues.queue, { connection: queues.redis, prefix: queues.prefix, concurrency: 2, log: silentLog, schedulers: false });
  await (await sim.user(creator).slashCommand(guildId, 'setup', { code: await world.linkCode() })).reply();
  await world.makeCreator('discord', creator);
  const db = world.database.db;
  const [space] = await db.select().from(platformSpaces).where(eq(platformSpaces.externalId, guildId));
  const [bootcamp] = await db.select().from(products).where(eq(products.slug, 'python-bootcamp'));
  await db.insert(productGrants).values({ communityId: world.communityId, productId: bootcamp!.id, kind: 'discord_role', spaceId: space!.id, resourceId: roleId });
  return {
    world,
    sim,
    queues,
    deps,
    guildId,
    botRoleId,
    creator,
    roleId,
    members,
    async close() {
      await workers.close(5_000);
      await bot.close();
      await sim.close();
      await queues.close();
      await world.database.drop();
    },
  };
}
