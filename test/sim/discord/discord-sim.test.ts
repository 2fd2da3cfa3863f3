import { Client, DiscordAPIError, Events, GatewayIntentBits, type Interaction, MessageFlags, Partials, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { waitFor } from './test-client.ts';

/** The simulator itself, checked with the real discord.js client: what it accepts and refuses. */
describe('Discord simulator', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let owner: string;
  let member: string;
  /** What the test bot does with the next interaction; set per test. */
  let onInteraction: (interaction: Interaction) => Promise<unknown> = async () => {};

  beforeAll(async () => {
    sim = await startDiscordSim({ interactionDeadlineMs: 400 });
    owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'member', locale: 'zh-CN' }).id;
    guildId = sim.createGuild({ name: 'Sim Guild', ownerId: owner }).id;
    sim.addMember(guildId, member);
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.DirectMessages],
      partials: [Partials.Channel],
      rest: { api: sim.apiUrl },
    });
    client.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction).catch(() => {}));
    const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(sim.botToken);
    await ready;
    await client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), {
      body: [
        { name: 'ping', description: 'Ping', options: [{ type: 3, name: 'word', description: 'A word', autocomplete: true }] },
        { name: 'admin', description: 'Admins only', default_member_permissions: '32' },
        {
          name: 'grant',
          description: 'Grant seats',
          options: [
            { type: 6, name: 'who', description: 'Member', required: true },
            { type: 4, name: 'seats', description: 'Seats', required: true, min_value: 1, max_value: 5 },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('connects the real client: READY, then every guild in its cache', () => {
    expect(client.guilds.cache.get(guildId)?.name).toBe('Sim Guild');
    expect(client.guilds.cache.get(guildId)?.members.cache.has(member)).toBe(true);
    expect(sim.calls.find((call) => call.route === '/gateway/bot')?.authorized).toBe(true);
  });

  it('keeps command ids across idempotent bulk overwrites and rejects invalid definitions with 50035', async () => {
    const before = sim.commands(guildId).map((command) => command.id);
    const again = (await client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), {
      body: sim.commands(guildId).map(({ name, description, options, default_member_permissions }) => ({ name, description, options, default_member_permissions })),
    })) as Array<{ id: string }>;
    expect(again.map((command) => command.id)).toEqual(before);
    const invalid = client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), {
      body: [{ name: 'Has Caps', description: 'x'.repeat(101) }],
    });
    await expect(invalid).rejects.toMatchObject({ code: 50035, status: 400 });
    expect(sim.commands(guildId).map((command) => command.id)).toEqual(before);
  });

  it('answers a slash command with a reply the user sees, in the user’s locale', async () => {
    let locale = '';
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      locale = interaction.locale;
      await interaction.reply({ content: `pong ${interaction.options.getString('word')}`, flags: MessageFlags.Ephemeral });
    };
    const handle = await sim.user(member).slashCommand(guildId, 'ping', { word: 'hello' });
    const reply = await handle.reply();
    expect(reply).toMatchObject({ content: 'pong hello', ephemeral: true });
    expect(locale).toBe('zh-CN');
    expect(handle.callbacks.map((callback) => callback.type)).toEqual([4]);
  });

  it('shows a deferred reply only once it is edited in', async () => {
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await interaction.editReply({ content: 'later', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'go' }] }] });
    };
    const reply = await (await sim.user(member).slashCommand(guildId, 'ping')).reply();
    expect(reply.content).toBe('later');
    expect(reply.flags & 128).toBe(0);

    onInteraction = async (interaction) => {
      if (interaction.isButton()) await interaction.update({ content: `pressed ${interaction.customId}`, components: [] });
    };
    const updated = await (await sim.user(member).clickButton(reply, 'go')).reply();
    expect(updated).toMatchObject({ id: reply.id, content: 'pressed go', components: [] });
    await expect(sim.user(member).clickButton(reply, 'go')).rejects.toThrow(/no button "go"/);
  });

  it('shows a modal, and delivers its submission as a modal-submit interaction', async () => {
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) {
        await interaction.showModal({
          custom_id: 'feedback',
          title: 'Feedback',
          components: [{ type: 1, components: [{ type: 4, custom_id: 'text', style: 2, label: 'Your feedback' }] }],
        });
      } else if (interaction.isModalSubmit()) {
        await interaction.reply({ content: `thanks: ${interaction.fields.getTextInputValue('text')}`, flags: MessageFlags.Ephemeral });
      }
    };
    const opened = await sim.user(member).slashCommand(guildId, 'ping');
    await waitFor(() => opened.callbacks.length === 1);
    expect(opened.callbacks[0]?.type).toBe(9);
    await expect(sim.user(member).submitModal(opened, {})).rejects.toThrow(/"text" is required/);
    const submitted = await sim.user(member).submitModal(opened, { text: 'great course' });
    expect((await submitted.reply()).content).toBe('thanks: great course');

    let invalid: unknown;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      invalid = await interaction
        .showModal({ custom_id: 'm', title: 't'.repeat(46), components: [{ type: 1, components: [{ type: 4, custom_id: 'x', style: 1, label: 'x' }] }] })
        .catch((error: unknown) => error);
    };
    await expect((await sim.user(member).slashCommand(guildId, 'ping')).reply(1_000)).rejects.toThrow();
    expect((invalid as DiscordAPIError).code).toBe(50035);
  });

  it('returns autocomplete choices from the bot', async () => {
    onInteraction = async (interaction) => {
      if (interaction.isAutocomplete()) await interaction.respond([{ name: `${interaction.options.getFocused()}!`, value: 'v' }]);
    };
    expect(await sim.user(member).autocomplete(guildId, 'ping', { word: 'he' }, 'word')).toEqual([{ name: 'he!', value: 'v' }]);
  });

  it('fails an interaction not acknowledged by the deadline; a late answer gets 10062', async () => {
    let late: unknown;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await new Promise((resolve) => setTimeout(resolve, 600));
      late = await interaction.reply({ content: 'too late' }).catch((error: unknown) => error);
    };
    const handle = await sim.user(member).slashCommand(guildId, 'ping');
    await expect(handle.reply()).rejects.toThrow(/did not respond within 400 ms/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(late).toBeInstanceOf(DiscordAPIError);
    expect((late as DiscordAPIError).code).toBe(10062);
  });

  it('refuses a second acknowledgement with 40060', async () => {
    let second: unknown;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: 'first' });
      second = await client.rest
        .post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 4, data: { content: 'again' } }, auth: false })
        .catch((error: unknown) => error);
    };
    await (await sim.user(member).slashCommand(guildId, 'ping')).reply();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((second as DiscordAPIError).code).toBe(40060);
  });

  it.each([
    ['content over 2000 characters', { content: 'x'.repeat(2001) }, 'content'],
    ['six action rows', { components: Array.from({ length: 6 }, (_, i) => ({ type: 1, components: [{ type: 2, style: 1, label: 'b', custom_id: `b${i}` }] })) }, 'components'],
    ['26 select options', { components: [{ type: 1, components: [{ type: 3, custom_id: 's', options: Array.from({ length: 26 }, (_, i) => ({ label: `o${i}`, value: `v${i}` })) }] }] }, 'components'],
    ['a 101-character custom_id', { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'b', custom_id: 'c'.repeat(101) }] }] }, 'components'],
    ['duplicate custom_ids', { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'a', custom_id: 'same' }, { type: 2, style: 2, label: 'b', custom_id: 'same' }] }] }, 'components'],
  ])('rejects a reply with %s as Invalid Form Body', async (_case, data, field) => {
    let failure: unknown;
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) failure = await interaction.reply(data as never).catch((error: unknown) => error);
    };
    const handle = await sim.user(member).slashCommand(guildId, 'ping');
    await expect(handle.reply(1_000)).rejects.toThrow();
    expect(failure).toBeInstanceOf(DiscordAPIError);
    const error = failure as DiscordAPIError;
    expect([error.code, error.status]).toEqual([50035, 400]);
    expect(Object.keys((error.rawError as unknown as { errors: { data: object } }).errors.data)).toContain(field);
  });

  it('hides commands with default_member_permissions from members who lack them', async () => {
    await expect(sim.user(member).slashCommand(guildId, 'admin')).rejects.toThrow(/cannot see \/admin/);
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: 'ok' });
    };
    expect((await (await sim.user(owner).slashCommand(guildId, 'admin')).reply()).content).toBe('ok');
  });

  it('delivers a select choice; refuses values the menu does not offer', async () => {
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const options = ['a', 'b', 'c'].map((value) => ({ label: value.toUpperCase(), value }));
        await interaction.reply({ content: 'pick', components: [{ type: 1, components: [{ type: 3, custom_id: 'pick', options, max_values: 2 }] }] });
      } else if (interaction.isStringSelectMenu()) {
        await interaction.update({ content: `picked ${interaction.values.join('+')}`, components: [] });
      }
    };
    const menu = await (await sim.user(member).slashCommand(guildId, 'ping')).reply();
    await expect(sim.user(member).selectOption(menu, 'pick', ['z'])).rejects.toThrow(/not among the select options/);
    await expect(sim.user(member).selectOption(menu, 'pick', ['a', 'b', 'c'])).rejects.toThrow(/1-2 distinct values/);
    const picked = await (await sim.user(member).selectOption(menu, 'pick', ['a', 'c'])).reply();
    expect(picked).toMatchObject({ id: menu.id, content: 'picked a+c' });
  });

  it('types options from the definition and resolves mentioned members for discord.js', async () => {
    let seen: unknown;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen = [interaction.options.getUser('who', true).username, interaction.options.getInteger('seats', true)];
      await interaction.reply({ content: 'granted' });
    };
    await (await sim.user(owner).slashCommand(guildId, 'grant', { who: member, seats: 2 })).reply();
    expect(seen).toEqual(['member', 2]);
    await expect(sim.user(owner).slashCommand(guildId, 'grant', { who: member, seats: 9 })).rejects.toThrow(/above 5/);
    await expect(sim.user(owner).slashCommand(guildId, 'grant', { seats: 1 })).rejects.toThrow(/needs option "who"/);
    await expect(sim.user(owner).slashCommand(guildId, 'nope')).rejects.toThrow(/not registered/);
  });

  it('answers deferReply withResponse with the callback resource, and records ephemeral follow-ups', async () => {
    let loading: boolean | null = null;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const response = await interaction.deferReply({ withResponse: true });
      loading = response.interaction.responseMessageLoading;
      await interaction.editReply({ content: 'done' });
      await interaction.followUp({ content: 'only you', flags: MessageFlags.Ephemeral });
    };
    const handle = await sim.user(member).slashCommand(guildId, 'ping');
    expect((await handle.reply()).content).toBe('done');
    await waitFor(() => handle.followUps().length === 1);
    expect(handle.followUps()[0]).toMatchObject({ content: 'only you', ephemeral: true });
    expect(loading).toBe(true);
    expect(sim.calls.some((call) => call.route === '/webhooks/:id/:token/messages/@original' && call.method === 'PATCH' && !call.authorized)).toBe(true);
  });
});
