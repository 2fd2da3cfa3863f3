import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { platformSpaces } from '../../core/db/schema/index.ts';
import { DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import { dumpText } from '../support/dump.ts';
import { eventually } from '../support/queues.ts';
import { startLyceum } from '../support/processes.ts';
import { type DiscordSim, startDiscordSim } from '../sim/discord/index.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import { createWorld, type World } from './world.ts';

/** `cli.ts bots` as a real process: the composition root wires both bots from configuration alone. */
describe('the bots role against the simulators', () => {
  let world: World;
  let discord: DiscordSim;
  let telegram: TelegramSim;
  let guildId: string;
  let discordMember: string;
  let groupId: number;
  let telegramMember: number;

  beforeAll(async () => {
    world = await createWorld();
    discord = await startDiscordSim();
    telegram = await startTelegramSim({ botUsername: 'lyceum_cli_bot' });
    const owner = discord.createUser({ username: 'owner' }).id;
    discordMember = discord.createUser({ username: 'member' }).id;
    guildId = discord.createGuild({ name: 'CLI Guild', ownerId: owner }).id;
    discord.addMember(guildId, discordMember);
    const creator = telegram.createUser({ firstName: 'Creator' }).id;
    telegramMember = telegram.createUser({ firstName: 'Member', languageCode: 'zh' }).id;
    groupId = telegram.createGroup({ title: 'CLI Group', creatorId: creator, memberIds: [telegramMember] }).id;
    await world.database.db.insert(platformSpaces).values([
      { communityId: world.communityId, platform: 'discord', kind: 'discord_guild', externalId: guildId },
      { communityId: world.communityId, platform: 'telegram', kind: 'telegram_group', externalId: String(groupId) },
    ]);
  });
  afterAll(async () => {
    await discord?.close();
    await telegram?.close();
    await world?.database.drop();
  });

  const baseEnv = (extra: Record<string, string>) => ({
    DATABASE_URL: world.database.url,
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: `cli-bots-${process.pid}`,
    DATA_DIR: `${inject('scratchDir')}/cli-bots`,
    HTTP_PORT: '0',
    DISCORD_TOKEN: discord.botToken,
    DISCORD_APP_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    ...extra,
  });

  it('connects both bots by polling and gateway, answers members, and stops cleanly', async () => {
    const run = startLyceum('bots', baseEnv({}));
    try {
      await run.waitFor('connected to Telegram (polling)');
      await run.waitFor('registered guild commands');
      const help = await (await discord.user(discordMember).slashCommand(guildId, 'help')).reply();
      expect(help.embeds[0].title).toBe('Lyceum help');
      await telegram.user(telegramMember).sendText(groupId, '/help');
      expect((await telegram.waitForBotMessage(groupId)).text).toMatch(/^Lyceum 帮助/);
      expect(run.output()).not.toContain(discord.botToken);
      expect(run.output()).not.toContain(telegram.token);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });

  it('keeps what members write to support out of its log and out of the database in clear', async () => {
    const secrets = ['I was charged twice, my card ends 4242, call me on +44 7700 900123', 'Please ask a human, my address is 7 Savile Row'];
    const run = startLyceum('bots', baseEnv({ LOG_LEVEL: 'debug' }));
    try {
      await run.waitFor('connected to Telegram (polling)');
      const writer = telegram.createUser({ firstName: 'Writer', languageCode: 'en' }).id;
      await telegram.user(writer).startBot(DEMO_COMMUNITY_SLUG);
      await telegram.waitForBotMessage(writer);
      for (const secret of secrets) {
        const before = telegram.privateChatMessages(writer).length;
        await telegram.user(writer).sendPrivate(secret);
        await eventually(async () => (telegram.privateChatMessages(writer).slice(before).some((message) => message.from?.is_bot) ? true : undefined));
      }
      const dump = await dumpText(world.database.db);
      expect(dump).toMatch(/lyc1:k[0-9a-z]+:/);
      for (const secret of secrets) {
        expect(run.output()).not.toContain(secret);
        expect(dump).not.toContain(secret);
      }
      expect(run.output()).not.toContain('4242');
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });

  it('runs Telegram in webhook mode when PUBLIC_URL is set, on the one HTTP server', async () => {
    const port = await freePort();
    const secret = 'cli-webhook-secret-0123456789';
    const run = startLyceum('bots', baseEnv({ HTTP_PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, TELEGRAM_WEBHOOK_SECRET: secret }));
    try {
      await run.waitFor('connected to Telegram (webhook)');
      expect(telegram.webhook).toMatchObject({ url: `http://127.0.0.1:${port}/telegram/webhook`, secretToken: secret });
      await telegram.user(telegramMember).sendText(groupId, '/help');
      expect((await telegram.waitForBotMessage(groupId)).text).toMatch(/^Lyceum 帮助/);
      const forged = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'not-the-secret' },
        body: JSON.stringify({ update_id: 1 }),
      });
      expect(forged.status).toBe(403);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
