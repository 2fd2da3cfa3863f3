import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordBot, startDiscordBot } from '../../bots/discord/discord-bot.ts';
import { silentLog } from '../support/fakes.ts';
import { type DiscordSim, type SimMessage, startDiscordSim } from '../sim/discord/index.ts';
import { createWorld, forgedCourseButton, type World } from './world.ts';

const EPHEMERAL = 64;

type Component = { type: number; label?: string; custom_id?: string; options?: Array<{ label: string; value: string; default?: boolean }> };
const componentsOf = (message: SimMessage): Component[] =>
  message.components.flatMap((row: { components: Component[] }) => row.components);
const buttonId = (message: SimMessage, label: string) => {
  const id = componentsOf(message).find((c) => c.type === 2 && c.label === label)?.custom_id;
  if (!id) throw new Error(`no button "${label}" in ${JSON.stringify(message.components)}`);
  return id;
};
const select = (message: SimMessage) => {
  const menu = componentsOf(message).find((c) => c.type === 3);
  if (!menu?.custom_id || !menu.options) throw new Error('no select menu');
  return { id: menu.custom_id, value: (label: string) => menu.options!.find((o) => o.label === label)!.value };
};
const embed = (message: SimMessage) => message.embeds[0] as { title: string; footer?: { text: string }; fields?: Array<{ name: string; value: string }> };
const fieldNames = (message: SimMessage) => (embed(message).fields ?? []).map((field) => field.name);

describe('Discord front door (discord.js against the simulator)', () => {
  let world: World;
  let sim: DiscordSim;
  let bot: DiscordBot;
  let guildId: string;
  let unlinkedGuildId: string;
  let admin: string;
  let member: string;
  let chineseMember: string;

  beforeAll(async () => {
    world = await createWorld();
    sim = await startDiscordSim();
    admin = sim.createUser({ username: 'olivia' }).id;
    member = sim.createUser({ username: 'mia' }).id;
    chineseMember = sim.createUser({ username: 'li', locale: 'zh-CN' }).id;
    guildId = sim.createGuild({ name: 'Makers', ownerId: admin }).id;
    unlinkedGuildId = sim.createGuild({ name: 'Elsewhere', ownerId: admin }).id;
    for (const user of [member, chineseMember]) {
      sim.addMember(guildId, user);
      sim.addMember(unlinkedGuildId, user);
    }
    bot = await connectBot(world, sim);
  });
  afterAll(async () => {
    await bot?.close();
    await sim?.close();
    await world?.database.drop();
  });

  it('registers the commands in every guild, with Chinese descriptions, idempotently', async () => {
    for (const id of [guildId, unlinkedGuildId]) {
      const names = sim.commands(id).map((command) => command.name).sort();
      expect(names).toEqual(['access', 'announce', 'audit', 'buy', 'cancel', 'claim', 'close', 'comment', 'coupon', 'course', 'courses', 'dashboard', 'drip', 'faq', 'grant', 'handback', 'help', 'lesson', 'link', 'live', 'my', 'notifications', 'privacy', 'product', 'rate', 'recommend', 'refund', 'review', 'revoke', 'sales', 'settings', 'setup', 'stats', 'tickets']);
    }
    const courses = sim.commands(guildId).find((command) => command.name === 'courses');
    expect(courses?.description_localizations?.['zh-CN']).toBe('浏览和搜索课程目录');
    const product = sim.commands(guildId).find((command) => command.name === 'product');
    expect(product?.options?.map((option) => option.name)).toEqual(['list', 'create', 'edit', 'archive']);
    expect(product?.description_localizations?.['zh-TW']).toBe('创建、编辑、列出或下架商品（创作者）');
    const joined = sim.createGuild({ name: 'Joined later', ownerId: admin });
    await waitFor(() => sim.commands(joined.id).length === 34);
  });

  it('refuses /setup from a member without Manage Server, and creates nothing', async () => {
    // Discord hides /setup from members (default_member_permissions); a server may still open
    // it to everyone, so the bot refuses on its own as well.
    await expect(sim.user(member).slashCommand(unlinkedGuildId, 'setup', { name: 'Hijack' })).rejects.toThrow(/cannot see \/setup/);
    sim.allowCommandForEveryone(unlinkedGuildId, 'setup');
    const reply = await (await sim.user(member).slashCommand(unlinkedGuildId, 'setup', { name: 'Hijack' })).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('Only an admin of this server or group can set up Lyceum here.');
    const courses = await (await sim.user(member).slashCommand(unlinkedGuildId, 'courses')).reply();
    expect(courses.content).toContain('not linked to a Lyceum community yet');
  });

  it('lets the server owner link the guild with a one-time code, privately', async () => {
    const code = await world.linkCode();
    const reply = await (await sim.user(admin).slashCommand(guildId, 'setup', { code })).reply();
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(embed(reply).title).toBe('Lyceum is set up for Lyceum Demo Academy');
  });

  it('lists courses privately and pages forward and back in place', async () => {
    const first = await (await sim.user(member).slashCommand(guildId, 'courses')).reply();
    expect(first.ephemeral).toBe(true);
    expect(embed(first).title).toBe('Courses');
    expect(embed(first).footer?.text).toMatch(/^Page 1 of [2-9]$/);
    expect(fieldNames(first)).toHaveLength(5);

    const second = await (await sim.user(member).clickButton(first, buttonId(first, 'Next ▶'))).reply();
    expect(second.id).toBe(first.id);
    expect(embed(second).footer?.text).toMatch(/^Page 2 of/);
    expect(fieldNames(second)).not.toEqual(fieldNames(first));

    const back = await (await sim.user(member).clickButton(second, buttonId(second, '◀ Prev'))).reply();
    expect(embed(back).footer?.text).toMatch(/^Page 1 of/);
    expect(fieldNames(back)).toEqual(fieldNames(first));
  });

  it('filters by category from the select menu and from the option', async () => {
    const list = await (await sim.user(member).slashCommand(guildId, 'courses')).reply();
    const menu = select(list);
    const data = await (await sim.user(member).selectOption(list, menu.id, [menu.value('Data')])).reply();
    expect(embed(data).title).toBe('Courses in Data');
    const typed = await (await sim.user(member).slashCommand(guildId, 'courses', { category: 'Data' })).reply();
    expect(fieldNames(typed)).toEqual(fieldNames(data));
    const choices = await sim.user(member).autocomplete(guildId, 'courses', { category: 'dat' }, 'category');
    expect(choices.map((choice) => choice.value)).toContain('Data');
  });

  it('searches in English and in Chinese, answering in the member’s language', async () => {
    const english = await (await sim.user(member).slashCommand(guildId, 'courses', { query: 'pandas' })).reply();
    expect(fieldNames(english).join('\n')).toContain('Data Analysis with Python and pandas');
    const chinese = await (await sim.user(chineseMember).slashCommand(guildId, 'courses', { query: '机器学习' })).reply();
    expect(embed(chinese).title).toContain('机器学习');
    expect(fieldNames(chinese).join('\n')).toContain('机器学习实战');
    expect(embed(chinese).footer?.text).toMatch(/第 1/);
  });

  it('keeps a long search usable: its buttons and filter carry it even past the custom_id limit', async () => {
    const query = Array.from({ length: 14 }, () => 'python').join(' ');
    expect(query.length).toBeGreaterThan(90);
    const list = await (await sim.user(member).slashCommand(guildId, 'courses', { query })).reply();
    expect(fieldNames(list).join('\n')).toContain('Python for Absolute Beginners');
    const menu = select(list);
    const filtered = await (await sim.user(member).selectOption(list, menu.id, [menu.value('Programming')])).reply();
    expect(embed(filtered).title).toBe(`Courses matching "${query}"`);
    expect(fieldNames(filtered).length).toBeGreaterThan(0);
  });

  it('opens a course from autocomplete and from the list', async () => {
    const choices = await sim.user(member).autocomplete(guildId, 'course show', { name: 'pandas' }, 'name');
    expect(choices[0]).toEqual({ name: 'Data Analysis with Python and pandas', value: 'python-data-analysis' });
    const shown = await (await sim.user(member).slashCommand(guildId, 'course show', { name: 'python-data-analysis' })).reply();
    expect(shown.ephemeral).toBe(false);
    expect(embed(shown).title).toBe('Data Analysis with Python and pandas');

    const list = await (await sim.user(member).slashCommand(guildId, 'courses', { query: 'pandas' })).reply();
    const opened = await (await sim.user(member).clickButton(list, buttonId(list, '1'))).reply();
    expect(embed(opened).title).toBe('Data Analysis with Python and pandas');
  });

  it('answers a press on a public course card privately when the answer is a listing', async () => {
    const card = await (await sim.user(member).slashCommand(guildId, 'course show', { name: 'python-basics' })).reply();
    expect(card.ephemeral).toBe(false);
    const listing = await (await sim.user(chineseMember).clickButton(card, buttonId(card, '◀ All courses'))).reply();
    expect(listing.id).not.toBe(card.id);
    expect(listing.ephemeral).toBe(true);
    expect(embed(listing).title).toBe('课程');
    expect(sim.channelMessages(card.channelId).find((message) => message.id === card.id)?.embeds).toEqual(card.embeds);
  });

  it('refuses a button forged to open another community’s course, leaving the message alone', async () => {
    const list = await (await sim.user(member).slashCommand(guildId, 'courses')).reply();
    const before = JSON.stringify(list.embeds);
    const handle = await sim.user(member).clickButton(list, forgedCourseButton(world.otherCourseId), { forge: true });
    const refusal = await handle.reply();
    expect(refusal.id).not.toBe(list.id);
    expect(refusal.ephemeral).toBe(true);
    expect(refusal.content).toBe('That course is not in this community’s catalogue.');
    expect(JSON.stringify(sim.channelMessages(list.channelId).find((m) => m.id === list.id)?.embeds ?? list.embeds)).toBe(before);
    expect(JSON.stringify(refusal)).not.toContain('Secret Other Course');
  });

  it('retries a rate-limited reply after retry_after, and the reply arrives once', async () => {
    sim.failNext({ method: 'POST', path: /\/interactions\/\d+\/[^/]+\/callback/, status: 429, retryAfter: 0.3 });
    const handle = await sim.user(member).slashCommand(guildId, 'help');
    const reply = await handle.reply();
    expect(embed(reply).title).toBe('Lyceum help');
    const callbacks = sim.calls.filter((call) => call.path.startsWith(`/interactions/${handle.id}/`));
    expect(callbacks.map((call) => call.status)).toEqual([429, expect.any(Number)]);
    expect(callbacks[1]!.status).toBeLessThan(300);
    expect(callbacks[1]!.at - callbacks[0]!.at).toBeGreaterThanOrEqual(300);
    expect(handle.callbacks).toHaveLength(1);
  });

  it('answers a DM through the support assistant in the member’s community, and a stranger with a pointer to a server', async () => {
    const fromBot = (userId: string) => sim.user(userId).dmMessages().filter((message) => message.authorId === sim.botUser.id);
    const before = fromBot(member).length;
    await sim.user(member).sendDm('hi, what courses do you have?');
    await waitFor(() => fromBot(member).length > before);
    expect((fromBot(member).at(-1)?.embeds[0] as { title?: string } | undefined)?.title).toMatch(/^Courses/);

    // In the server (Discord lets only people sharing one DM the bot) but never used Lyceum.
    const stranger = sim.createUser({ username: 'stranger' }).id;
    sim.addMember(guildId, stranger);
    await sim.user(stranger).sendDm('hello?');
    await waitFor(() => fromBot(stranger).length > 0);
    expect(fromBot(stranger)[0]!.content).toContain('/courses');
  });
});

describe('Discord front door when the core is slow', () => {
  let world: World;
  let sim: DiscordSim;
  let bot: DiscordBot;

  beforeAll(async () => {
    world = await createWorld();
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    const guildId = sim.createGuild({ name: 'Slow', ownerId: owner }).id;
    // Deferring before any work finishes takes the path a slow database would.
    bot = await connectBot(world, sim, { deferAfterMs: 0 });
    await (await sim.user(owner).slashCommand(guildId, 'setup', { code: await world.linkCode() })).reply();
    Object.assign(context, { owner, guildId });
  });
  const context = { owner: '', guildId: '' };
  afterAll(async () => {
    await bot?.close();
    await sim?.close();
    await world?.database.drop();
  });

  it('defers, then edits the answer in, for commands and buttons', async () => {
    const handle = await sim.user(context.owner).slashCommand(context.guildId, 'courses');
    const list = await handle.reply();
    expect(handle.callbacks.map((callback) => callback.type)).toEqual([5]);
    expect(list.ephemeral).toBe(true);
    expect(embed(list).footer?.text).toMatch(/^Page 1 of/);
    const click = await sim.user(context.owner).clickButton(list, buttonId(list, 'Next ▶'));
    const paged = await click.reply();
    expect(click.callbacks.map((callback) => callback.type)).toEqual([6]);
    expect(embed(paged).footer?.text).toMatch(/^Page 2 of/);
  });

  it('keeps a deferred money command private', async () => {
    const handle = await sim.user(context.owner).slashCommand(context.guildId, 'my');
    const mine = await handle.reply();
    expect(handle.callbacks).toEqual([{ type: 5, data: { flags: EPHEMERAL } }]);
    expect(mine.ephemeral).toBe(true);
    expect(embed(mine).title).toBe('Your purchases');
  });

  it('turns a public deferral into a private follow-up when the answer is private', async () => {
    const handle = await sim.user(context.owner).slashCommand(context.guildId, 'course show', { name: 'qxzjvwq' });
    await waitFor(() => handle.followUps().length === 1);
    expect(handle.followUps()[0]?.ephemeral).toBe(true);
    expect(handle.followUps()[0]?.content).toBe('That course is not in this community’s catalogue.');
  });
});

/** The real adapter, connected to the simulator, with every guild's commands registered. */
async function connectBot(world: World, sim: DiscordSim, options: { deferAfterMs?: number } = {}): Promise<DiscordBot> {
  const bot = await startDiscordBot({
    token: sim.botToken,
    applicationId: sim.applicationId,
    apiUrl: sim.apiUrl,
    deps: world.deps,
    log: silentLog,
    ...options,
  });
  await bot.ready;
  return bot;
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
