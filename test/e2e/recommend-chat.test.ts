import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordBot, type DiscordBot } from '../../bots/discord/discord-bot.ts';
import { createTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import { behaviourEvents, courses, platformIdentities } from '../../core/db/schema/index.ts';
import { trainCommunity } from '../../core/recommend/train.ts';
import { DEMO_COMMUNITY_SLUG } from '../../core/seed/seed-demo.ts';
import { startDiscordSim, type DiscordSim, type SimMessage } from '../sim/discord/index.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import { commandDeps } from '../support/core-deps.ts';
import { silentLog } from '../support/fakes.ts';
import { eventually } from '../support/queues.ts';
import { createWorld, type World } from './world.ts';

type Component = { type: number; label?: string; custom_id?: string };
const labelsOf = (message: SimMessage) => message.components.flatMap((row: { components: Component[] }) => row.components).map((component: Component) => component.label);

/**
 * /recommend through discord.js and telegraf against the simulators: a member who finished a
 * course is told why the next one is for them, with Open and Buy buttons, on both platforms.
 */
describe('/recommend in the chat', () => {
  let world: World;
  let discord: DiscordSim;
  let telegram: TelegramSim;
  let discordBot: DiscordBot;
  let telegramBot: TelegramBot;
  let guildId: string;
  let discordMember: string;
  let telegramMember: number;
  let published: Array<{ id: string; title: string }>;

  /** A member finished the first course. */
  const history = async (memberId: string) => {
    await world.database.db.insert(behaviourEvents).values({ communityId: world.communityId, memberId, kind: 'lesson_completed', courseId: published[0]!.id });
  };

  beforeAll(async () => {
    world = await createWorld();
    published = await world.database.db.select({ id: courses.id, title: courses.title }).from(courses).where(and(eq(courses.communityId, world.communityId), eq(courses.status, 'published'))).orderBy(courses.slug);
    const deps = commandDeps(world.database.db, { clock: world.clock });
    discord = await startDiscordSim();
    telegram = await startTelegramSim({ botUsername: 'lyceum_recommend_bot' });
    const owner = discord.createUser({ username: 'owner' }).id;
    discordMember = discord.createUser({ username: 'ada', locale: 'en-US' }).id;
    guildId = discord.createGuild({ name: 'Academy', ownerId: owner }).id;
    discord.addMember(guildId, discordMember);
    discordBot = await startDiscordBot({ token: discord.botToken, applicationId: discord.applicationId, apiUrl: discord.apiUrl, deps, log: silentLog });
    await discordBot.ready;
    telegramBot = createTelegramBot({ token: telegram.token, apiRoot: telegram.apiRoot, deps, log: silentLog });
    await telegramBot.start();
    await (await discord.user(owner).slashCommand(guildId, 'setup', { code: await world.linkCode() })).reply();
    await (await discord.user(discordMember).slashCommand(guildId, 'my', {})).reply();
    telegramMember = telegram.createUser({ firstName: 'Chen', languageCode: 'zh' }).id;
    await telegram.user(telegramMember).startBot(DEMO_COMMUNITY_SLUG);
    await telegram.waitForBotMessage(telegramMember);
    for (const [platform, userId] of [['discord', discordMember], ['telegram', String(telegramMember)]] as const) {
      const [identity] = await world.database.db.select().from(platformIdentities).where(and(eq(platformIdentities.platform, platform), eq(platformIdentities.platformUserId, userId)));
      await history(identity!.memberId);
    }
    // Others who finished the first course went on to the second.
    for (let n = 0; n < 40; n += 1) {
      const userId = telegram.createUser({ firstName: `M${n}` }).id;
      await telegram.user(userId).startBot(DEMO_COMMUNITY_SLUG);
      await telegram.waitForBotMessage(userId);
      const [identity] = await world.database.db.select().from(platformIdentities).where(and(eq(platformIdentities.platform, 'telegram'), eq(platformIdentities.platformUserId, String(userId))));
      await history(identity!.memberId);
      await world.database.db.insert(behaviourEvents).values({ communityId: world.communityId, memberId: identity!.memberId, kind: 'enrolled', courseId: published[1]!.id, occurredAt: new Date(Date.now() + 1_000) });
    }
    await trainCommunity(deps, world.communityId);
  }, 60_000);
  afterAll(async () => {
    await telegramBot?.close();
    await discordBot?.close();
    await telegram?.close();
    await discord?.close();
    await world?.database.drop();
  });

  it('shows the picks with their reasons and Open / Buy buttons on Discord', async () => {
    const reply = await (await discord.user(discordMember).slashCommand(guildId, 'recommend', {})).reply();
    expect(reply.ephemeral).toBe(true);
    const embed = reply.embeds[0] as { title: string; fields: Array<{ name: string; value: string }> };
    expect(embed.title).toBe('Recommended for you');
    expect(embed.fields[0]).toMatchObject({ name: `1. ${published[1]!.title}` });
    expect(embed.fields[0]!.value).toMatch(new RegExp(`^Popular with members who took ${published[0]!.title}`));
    expect(labelsOf(reply)).toEqual(expect.arrayContaining(['Open 1', 'Buy 1', 'Next ▶']));
  });

  it('shows them in Chinese on Telegram, with the same buttons', async () => {
    await telegram.user(telegramMember).sendPrivate('/recommend');
    const message = await eventually(async () => telegram.privateChatMessages(telegramMember).find((candidate) => candidate.text?.startsWith('为你推荐')));
    expect(message.text).toContain(`1. ${published[1]!.title}`);
    expect(message.text).toContain(`学过《${published[0]!.title}》的成员也喜欢`);
    const buttons = (message.reply_markup?.inline_keyboard ?? []).flat().map((button) => button.text);
    expect(buttons).toEqual(expect.arrayContaining(['打开 1', '购买 1']));
  });
});
