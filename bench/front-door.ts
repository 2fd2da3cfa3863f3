import { commandDeps } from '../test/support/core-deps.ts';
/**
 * End-to-end latency of `/courses` through each platform simulator at 10k courses: from the
 * simulated member's command to the bot's reply recorded by the simulator, through the real
 * discord.js / telegraf clients, the core and real Postgres. Sequential, one member.
 * Run: `npm run bench:front-door` (COURSES to change the size).
 */
import pino from 'pino';
import { startDiscordBot } from '../bots/discord/discord-bot.ts';
import { createTelegramBot } from '../bots/telegram/telegram-bot.ts';
import { platformSpaces } from '../core/db/schema/index.ts';
import { startDiscordSim } from '../test/sim/discord/index.ts';
import { startTelegramSim } from '../test/sim/telegram/index.ts';
import { seedLargeCatalog } from './catalog-data.ts';
import { benchDatabase, measure, printTimings, type Timing } from './support.ts';

const count = Number(process.env.COURSES ?? 10_000);
const runs = Number(process.env.RUNS ?? 200);
const log = pino({ level: 'silent' });
const database = await benchDatabase();
const timings: Timing[] = [];
try {
  const { communityId } = await seedLargeCatalog(database.db, count);
  const deps = commandDeps(database.db);

  const discord = await startDiscordSim();
  const discordBot = await (async () => {
    const owner = discord.createUser({ username: 'bench-owner' }).id;
    const guild = discord.createGuild({ name: 'Bench', ownerId: owner });
    const member = discord.createUser({ username: 'bench-member' }).id;
    discord.addMember(guild.id, member);
    await database.db.insert(platformSpaces).values({ communityId, platform: 'discord', kind: 'discord_guild', externalId: guild.id });
    const bot = await startDiscordBot({ token: discord.botToken, applicationId: discord.applicationId, apiUrl: discord.apiUrl, deps, log });
    await bot.ready;
    const user = discord.user(member);
    timings.push(
      await measure('discord /courses', async () => (await user.slashCommand(guild.id, 'courses')).reply(), runs),
      await measure('discord /courses query:机器学习', async () => (await user.slashCommand(guild.id, 'courses', { query: '机器学习' })).reply(), runs),
    );
    // Pages back and forth on one message: each click updates it in place.
    let shown = await (await user.slashCommand(guild.id, 'courses')).reply();
    const pagingButton = (label: string) =>
      shown.components
        .flatMap((row: { components: Array<{ label?: string; custom_id?: string }> }) => row.components)
        .find((component: { label?: string }) => component.label === label)?.custom_id;
    timings.push(
      await measure(
        'discord Next/Prev button (update in place)',
        async () => {
          const button = pagingButton('Next ▶') ?? pagingButton('◀ Prev');
          if (!button) throw new Error('no paging button on the listing');
          shown = await (await user.clickButton(shown, button)).reply();
        },
        runs,
      ),
    );
    return bot;
  })();
  await discordBot.close();
  await discord.close();

  const telegram = await startTelegramSim({ botUsername: 'lyceum_bench_bot' });
  const telegramBot = await (async () => {
    const member = telegram.createUser({ firstName: 'Bench', languageCode: 'en' }).id;
    const owner = telegram.createUser({ firstName: 'Owner' }).id;
    const group = telegram.createGroup({ title: 'Bench', type: 'supergroup', creatorId: owner, memberIds: [member] });
    await database.db.insert(platformSpaces).values({ communityId, platform: 'telegram', kind: 'telegram_supergroup', externalId: String(group.id) });
    const bot = createTelegramBot({ token: telegram.token, apiRoot: telegram.apiRoot, deps, log });
    await bot.start();
    const user = telegram.user(member);
    await user.sendText(group.id, '/help');
    await telegram.waitForBotMessage(group.id);
    await user.startBot();
    await telegram.waitForBotMessage(member);
    const reply = async (send: () => Promise<unknown>) => {
      const answered = telegram.waitForBotMessage(member);
      await send();
      return answered;
    };
    timings.push(
      await measure('telegram /courses (private chat)', () => reply(() => user.sendPrivate('/courses')), runs),
      await measure('telegram /courses 机器学习', () => reply(() => user.sendPrivate('/courses 机器学习')), runs),
    );
    return bot;
  })();
  await telegramBot.close();
  await telegram.close();

  printTimings(`front doors, ${count} courses: command in -> reply recorded by the simulator`, timings);
} finally {
  await database.dispose();
}
