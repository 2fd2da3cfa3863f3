import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordBot, type DiscordBot } from '../../bots/discord/discord-bot.ts';
import { createTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import { refreshRollups } from '../../core/analytics/rollups.ts';
import { DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import { startDiscordSim, type DiscordSim } from '../sim/discord/index.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import { generateHistory } from '../../core/seed/history.ts';
import { insertHistory } from '../../core/seed/insert-history.ts';
import { commandDeps } from '../support/core-deps.ts';
import { silentLog } from '../support/fakes.ts';
import { eventually } from '../support/queues.ts';
import { createWorld, type World } from './world.ts';

/** A valid PNG with a picture on it (not a blank image). */
const pictured = (bytes: Uint8Array) => {
  const png = PNG.sync.read(Buffer.from(bytes));
  let ink = 0;
  for (let offset = 0; offset < png.data.length; offset += 4) if (png.data[offset]! < 200) ink += 1;
  return { width: png.width, height: png.height, ink };
};

/**
 * /stats from the chat, through discord.js and telegraf against the simulators: the numbers in
 * the reply and the chart as a PNG the platforms accept (an attachment on Discord, a photo on
 * Telegram), Chinese for a Chinese-speaking creator.
 */
describe('/stats in the chat', () => {
  let world: World;
  let discord: DiscordSim;
  let telegram: TelegramSim;
  let discordBot: DiscordBot;
  let telegramBot: TelegramBot;
  let guildId: string;
  let discordCreator: string;
  let telegramCreator: number;

  beforeAll(async () => {
    world = await createWorld();
    await insertHistory(world.database.db, world.communityId, generateHistory({ seed: 11, members: 400, now: world.clock.now() }));
    await refreshRollups(world.database.db);
    const deps = commandDeps(world.database.db, { clock: world.clock });
    discord = await startDiscordSim();
    telegram = await startTelegramSim({ botUsername: 'lyceum_stats_bot' });
    discordCreator = discord.createUser({ username: 'chen', locale: 'zh-CN' }).id;
    guildId = discord.createGuild({ name: 'Academy', ownerId: discordCreator }).id;
    discordBot = await startDiscordBot({ token: discord.botToken, applicationId: discord.applicationId, apiUrl: discord.apiUrl, deps, log: silentLog });
    await discordBot.ready;
    telegramBot = createTelegramBot({ token: telegram.token, apiRoot: telegram.apiRoot, deps, log: silentLog });
    await telegramBot.start();
    await (await discord.user(discordCreator).slashCommand(guildId, 'setup', { code: await world.linkCode() })).reply();
    await world.makeCreator('discord', discordCreator);
    telegramCreator = telegram.createUser({ firstName: 'Olivia', languageCode: 'en' }).id;
    await telegram.user(telegramCreator).startBot(DEMO_COMMUNITY_SLUG);
    await telegram.waitForBotMessage(telegramCreator);
    await world.makeCreator('telegram', String(telegramCreator));
  });
  afterAll(async () => {
    await telegramBot?.close();
    await discordBot?.close();
    await telegram?.close();
    await discord?.close();
    await world?.database.drop();
  });

  it('sends the revenue numbers and a PNG chart on Discord, in Chinese for a Chinese client', async () => {
    const reply = await (await discord.user(discordCreator).slashCommand(guildId, 'stats revenue', { period: '90d' })).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.embeds[0]?.title).toBe('收入与 MRR');
    expect(reply.embeds[0]?.fields?.[0]?.name).toMatch(/^净收入 · (USD|XTR)$/);
    const attachment = reply.attachments?.find((file) => file.filename.endsWith('.png'));
    expect(attachment?.contentType).toBe('image/png');
    const chart = pictured(discord.attachmentData(attachment!.id));
    expect(chart.width).toBeGreaterThan(600);
    expect(chart.ink).toBeGreaterThan(5_000);
  });

  it('sends them as a photo in the private chat on Telegram', async () => {
    await telegram.user(telegramCreator).sendPrivate('/stats revenue 90d');
    const numbers = await eventually(async () => telegram.privateChatMessages(telegramCreator).find((message) => message.text?.startsWith('Revenue and MRR')));
    expect(numbers.text).toMatch(/Net revenue · USD\n\$[\d,.]+ net/);
    const photo = await eventually(async () => telegram.privateChatMessages(telegramCreator).find((message) => message.photo?.length));
    const largest = photo.photo!.at(-1)!;
    const chart = pictured(telegram.file(largest.file_id)!.bytes);
    expect(chart.ink).toBeGreaterThan(5_000);
  });
});
