import { commandDeps } from '../test/support/core-deps.ts';
/**
 * A scripted session to watch: the real Discord and Telegram bots run against the local
 * simulators (test/sim/) on a throwaway database seeded with the demo community, while scripted
 * members use them. Each step prints what the member did and what the bot showed them.
 * Run: `npm run demo:sim` (DEMO_PACE_MS=0 to skip the pauses).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import pino from 'pino';
import { startDiscordBot } from '../bots/discord/discord-bot.ts';
import { createTelegramBot } from '../bots/telegram/telegram-bot.ts';
import { createLinkCode } from '../core/communities/link-codes.ts';
import { connectDatabase } from '../core/db/client.ts';
import { migrateDatabase } from '../core/db/migrate.ts';
import { systemClock } from '../core/ports.ts';
import { consolePersonas, DEMO_COMMUNITY_SLUG, seedDemoCommunity } from '../core/seed/seed-demo.ts';
import { type SimMessage, startDiscordSim } from '../test/sim/discord/index.ts';
import { type SimTgMessage, startTelegramSim } from '../test/sim/telegram/index.ts';
import { startEmbeddedPostgres } from './embedded/postgres.ts';

const pace = Number(process.env.DEMO_PACE_MS ?? 1200);
const log = pino({ level: 'silent' });
const pause = () => new Promise((resolve) => setTimeout(resolve, pace));

const dir = await mkdtemp('/tmp/lyceum-demo-');
await chmod(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dir, database: 'demo', log: { info: () => {}, warn: console.warn } });
const database = connectDatabase(postgres.url);
const cleanups: Array<() => Promise<unknown>> = [];
try {
  await migrateDatabase(postgres.url);
  const now = systemClock.now();
  const { communityId } = await seedDemoCommunity(database.db, now);
  const [owner] = await database.sql<[{ member_id: string }]>`
    select m.member_id from memberships m
    join platform_identities i on i.member_id = m.member_id
    where m.community_id = ${communityId} and i.platform_user_id = ${consolePersonas.owner.userId}`;
  const linkCode = async () => (await createLinkCode(database.db, { communityId, memberId: owner!.member_id, now })).code;
  const deps = commandDeps(database.db);

  heading('Discord (discord.js against the Discord simulator)');
  const discord = await startDiscordSim();
  cleanups.push(() => discord.close());
  const olivia = discord.createUser({ username: 'olivia' });
  const mia = discord.createUser({ username: 'mia' });
  const li = discord.createUser({ username: 'li', locale: 'zh-CN' });
  const guild = discord.createGuild({ name: 'Makers Guild', ownerId: olivia.id });
  discord.addMember(guild.id, mia.id);
  discord.addMember(guild.id, li.id);
  const discordBot = await startDiscordBot({ token: discord.botToken, applicationId: discord.applicationId, apiUrl: discord.apiUrl, deps, log });
  cleanups.push(() => discordBot.close());
  await discordBot.ready;

  const code = await linkCode();
  await step(`olivia (server owner): /setup code:${code}`, async () =>
    showDiscord(await (await discord.user(olivia.id).slashCommand(guild.id, 'setup', { code })).reply()));
  let list = await step('mia: /courses', async () => showDiscord(await (await discord.user(mia.id).slashCommand(guild.id, 'courses')).reply()));
  list = await step('mia clicks "Next ▶"', async () =>
    showDiscord(await (await discord.user(mia.id).clickButton(list, discordButton(list, 'Next ▶'))).reply()));
  await step('mia clicks "6" to open the first course on page 2', async () =>
    showDiscord(await (await discord.user(mia.id).clickButton(list, discordButton(list, '6'))).reply()));
  await step('li (zh-CN): /courses query:机器学习', async () =>
    showDiscord(await (await discord.user(li.id).slashCommand(guild.id, 'courses', { query: '机器学习' })).reply()));
  await step('mia: /setup (not an admin; the server opened /setup to everyone in its settings)', async () => {
    discord.allowCommandForEveryone(guild.id, 'setup');
    return showDiscord(await (await discord.user(mia.id).slashCommand(guild.id, 'setup', { name: 'Mine now' })).reply());
  });

  heading('Telegram (telegraf against the Telegram simulator)');
  const telegram = await startTelegramSim({ botUsername: 'lyceum_demo_bot' });
  cleanups.push(() => telegram.close());
  const tOlivia = telegram.createUser({ firstName: 'Olivia', languageCode: 'en' });
  const tMia = telegram.createUser({ firstName: 'Mia', languageCode: 'en' });
  const group = telegram.createGroup({ title: 'Makers Chat', type: 'supergroup', creatorId: tOlivia.id, memberIds: [tMia.id] });
  const telegramBot = createTelegramBot({ token: telegram.token, apiRoot: telegram.apiRoot, deps, log });
  cleanups.push(() => telegramBot.close());
  await telegramBot.start();
  await telegram.user(tOlivia.id).startBot();
  await telegram.waitForBotMessage(tOlivia.id);

  const groupCode = await linkCode();
  await step(`Olivia in the group: /setup ${groupCode}`, async () => {
    const confirmation = telegram.waitForBotMessage(group.id);
    await telegram.user(tOlivia.id).sendText(group.id, `/setup ${groupCode}`);
    return showTelegram('group', await confirmation);
  });
  await step('Mia in the group: /courses (she never opened a private chat)', async () => {
    const answer = telegram.waitForBotMessage(group.id);
    await telegram.user(tMia.id).sendText(group.id, '/courses');
    return showTelegram('group', await answer);
  });
  let tList = await step(`Mia follows the link: /start ${DEMO_COMMUNITY_SLUG}, then /courses`, async () => {
    await telegram.user(tMia.id).startBot(DEMO_COMMUNITY_SLUG);
    showTelegram('private', await telegram.waitForBotMessage(tMia.id));
    const answer = telegram.waitForBotMessage(tMia.id);
    await telegram.user(tMia.id).sendPrivate('/courses');
    return showTelegram('private', await answer);
  });
  tList = await step('Mia presses "Next ▶" (the message is edited in place)', async () => {
    const edited = telegram.waitForEdit(tMia.id, tList.message_id);
    await telegram.user(tMia.id).pressButton(tList, telegramButton(tList, 'Next ▶'));
    return showTelegram('private', await edited);
  });
  await step('Mia: /course python-basics', async () => {
    const answer = telegram.waitForBotMessage(tMia.id);
    await telegram.user(tMia.id).sendPrivate('/course python-basics');
    return showTelegram('private', await answer);
  });
  console.log('\nDone. Every reply above went through the real discord.js and telegraf clients and the simulators.');
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await database.close();
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}

function heading(text: string): void {
  console.log(`\n${'='.repeat(text.length)}\n${text}\n${'='.repeat(text.length)}`);
}

async function step<T>(action: string, run: () => Promise<T>): Promise<T> {
  await pause();
  console.log(`\n> ${action}`);
  return run();
}

type Component = { type: number; label?: string; custom_id?: string; url?: string; placeholder?: string; options?: Array<{ label: string }> };

function showDiscord(message: SimMessage): SimMessage {
  const lines: string[] = [message.ephemeral ? '  (only you can see this)' : '  (visible to the channel)'];
  if (message.content) lines.push(indent(message.content));
  for (const embed of message.embeds as Array<{ title?: string; description?: string; fields?: Array<{ name: string; value: string }>; footer?: { text: string } }>) {
    if (embed.title) lines.push(`  ** ${embed.title} **`);
    if (embed.description) lines.push(indent(embed.description));
    for (const field of embed.fields ?? []) lines.push(indent(`${field.name}\n  ${field.value.replaceAll('\n', '\n  ')}`));
    if (embed.footer) lines.push(`  -- ${embed.footer.text}`);
  }
  for (const row of message.components as Array<{ components: Component[] }>) {
    lines.push(`  ${row.components.map((c) => (c.type === 3 ? `[${c.placeholder} v]` : `[${c.label}]`)).join(' ')}`);
  }
  console.log(lines.join('\n'));
  return message;
}

function showTelegram(where: string, message: SimTgMessage): SimTgMessage {
  const keyboard = (message.reply_markup?.inline_keyboard ?? []) as Array<Array<{ text: string }>>;
  console.log(`  (${where} chat)\n${indent(message.text ?? '')}`);
  for (const row of keyboard) console.log(`  ${row.map((button) => `[${button.text}]`).join(' ')}`);
  return message;
}

function discordButton(message: SimMessage, label: string): string {
  const id = (message.components as Array<{ components: Component[] }>).flatMap((row) => row.components).find((c) => c.label === label)?.custom_id;
  if (!id) throw new Error(`no "${label}" button`);
  return id;
}

function telegramButton(message: SimTgMessage, label: string): string {
  const data = ((message.reply_markup?.inline_keyboard ?? []) as Array<Array<{ text: string; callback_data?: string }>>)
    .flat()
    .find((button) => button.text === label)?.callback_data;
  if (!data) throw new Error(`no "${label}" button`);
  return data;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
