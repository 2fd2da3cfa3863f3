import { eq } from 'drizzle-orm';
import pino from 'pino';
import { startDiscordBot } from '../../bots/discord/discord-bot.ts';
import { orders, platformSpaces, productGrants, products } from '../../core/db/schema/index.ts';
import { runDiscordTakeover } from './discord-takeover.ts';
import type { DemoRuntime } from './runtime.ts';
import { discordButton, discordLink, heading, showDiscord, step, until } from './show.ts';

/** Discord: linking a server, browsing, and buying a membership with Stripe that grants a role. */
export async function runDiscordDemo(runtime: DemoRuntime): Promise<() => Promise<void>> {
  const { discord, stripe, deps } = runtime;
  heading('Discord (discord.js against the Discord and Stripe simulators)');
  const olivia = discord.createUser({ username: 'olivia' });
  const mia = discord.createUser({ username: 'mia' });
  const li = discord.createUser({ username: 'li', locale: 'zh-CN' });
  const guild = discord.createGuild({ name: 'Makers Guild', ownerId: olivia.id });
  discord.addMember(guild.id, mia.id);
  discord.addMember(guild.id, li.id);
  const membersRole = discord.createRole(guild.id, { name: 'Members' });
  const bot = await startDiscordBot({ token: discord.botToken, applicationId: discord.applicationId, apiUrl: discord.apiUrl, deps, log: pino({ level: 'silent' }) });
  await bot.ready;

  const code = await runtime.linkCode();
  await step(`olivia (server owner): /setup code:${code}`, async () =>
    showDiscord(await (await discord.user(olivia.id).slashCommand(guild.id, 'setup', { code })).reply()));
  let list = await step('mia: /courses', async () => showDiscord(await (await discord.user(mia.id).slashCommand(guild.id, 'courses')).reply()));
  list = await step('mia clicks "Next ▶"', async () => showDiscord(await (await discord.user(mia.id).clickButton(list, discordButton(list, 'Next ▶'))).reply()));
  await step('mia clicks "6" to open the first course on page 2', async () =>
    showDiscord(await (await discord.user(mia.id).clickButton(list, discordButton(list, '6'))).reply()));
  await step('li (zh-CN): /courses query:机器学习', async () =>
    showDiscord(await (await discord.user(li.id).slashCommand(guild.id, 'courses', { query: '机器学习' })).reply()));
  await step('mia: /setup (not an admin; the server opened /setup to everyone in its settings)', async () => {
    discord.allowCommandForEveryone(guild.id, 'setup');
    return showDiscord(await (await discord.user(mia.id).slashCommand(guild.id, 'setup', { name: 'Mine now' })).reply());
  });

  // The All-Access Membership grants the server's @Members role (a creator would use /product).
  const [space] = await deps.db.select().from(platformSpaces).where(eq(platformSpaces.externalId, guild.id));
  const [membership] = await deps.db.select().from(products).where(eq(products.slug, 'all-access'));
  await deps.db.insert(productGrants).values({ communityId: runtime.communityId, productId: membership!.id, kind: 'discord_role', spaceId: space!.id, resourceId: membersRole.id });
  const forSale = await step('mia: /buy', async () => showDiscord(await (await discord.user(mia.id).slashCommand(guild.id, 'buy')).reply()));
  const checkout = await step('mia clicks "Buy All-Access Membership"', async () =>
    showDiscord(await (await discord.user(mia.id).clickButton(forSale, discordButton(forSale, 'Buy All-Access Membership'))).reply()));
  await step(`mia opens the link and pays on Stripe Checkout (simulated): ${discordLink(checkout)}`, async () => {
    const [order] = await deps.db.select().from(orders).where(eq(orders.provider, 'stripe'));
    stripe.completeCheckout(order!.providerCheckoutId!);
    await until(() => (discord.memberRoles(guild.id, mia.id).includes(membersRole.id) ? true : undefined));
    const dm = await until(() => discord.dmMessages(mia.id).find((message) => message.authorId === discord.botUser.id));
    console.log(`  (signed webhook -> payments worker -> ledger -> access worker -> role @Members added)\n  DM from the bot: ${dm.content}`);
  });
  await step('mia: /my', async () => showDiscord(await (await discord.user(mia.id).slashCommand(guild.id, 'my')).reply()));
  await runDiscordTakeover(runtime, { guildId: guild.id, olivia: olivia.id, mia: mia.id });
  return () => bot.close();
}
