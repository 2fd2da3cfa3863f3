import { createHash } from 'node:crypto';
import { type Client, Events, type Interaction, MessageFlags, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, type InteractionHandle, startDiscordSim } from './index.ts';
import { connectClient, rejection, waitFor } from './test-client.ts';

/**
 * Modals: callback type 9 answers a command or a component, never a modal submit (the
 * "Interaction Response Type" table); text inputs and labels with their limits (components
 * reference, "Text Input", "Label", "File Upload"); the member's side refuses what the client
 * would not submit.
 */
const row = (input: object) => ({ type: 1, components: [{ type: 4, custom_id: 'text', style: 1, label: 'Text', ...input }] });
const modal = (extra: object = {}) => ({ custom_id: 'apply', title: 'Apply', components: [row({})], ...extra });

describe('Discord simulator modals', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let member: string;
  /** What the bot shows for /apply (nothing while a test answers by hand). */
  let show: object | undefined = modal();
  let onSubmit: (interaction: Interaction) => Promise<unknown> = async () => {};

  beforeAll(async () => {
    sim = await startDiscordSim({ interactionDeadlineMs: 500 });
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'applicant' }).id;
    guildId = sim.createGuild({ name: 'School', ownerId: owner }).id;
    sim.addMember(guildId, member);
    client = await connectClient(sim);
    client.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) {
        if (show) void interaction.showModal(show as never).catch(() => {});
      } else void onSubmit(interaction).catch(() => {});
    });
    await client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), { body: [{ name: 'apply', description: 'Apply' }] });
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });
  const open = async (shown: object): Promise<InteractionHandle> => {
    show = shown;
    const handle = await sim.user(member).slashCommand(guildId, 'apply');
    await handle.modal();
    return handle;
  };

  it('records the open modal and refuses values the client would not submit', async () => {
    const shown = modal({ components: [row({ custom_id: 'name', min_length: 2, max_length: 10 }), row({ custom_id: 'why', style: 2, required: false, label: 'Why' }), row({ custom_id: 'city', value: 'Oslo', label: 'City' })] });
    const handle = await open(shown);
    expect(await handle.modal()).toEqual(shown);
    expect(sim.user(member).openModal()).toEqual(shown);
    const user = sim.user(member);
    await expect(user.submitModal(handle, {})).rejects.toThrow(/"name" is required/);
    await expect(user.submitModal(handle, { name: 'A' })).rejects.toThrow(/"name" needs at least 2 characters/);
    await expect(user.submitModal(handle, { name: 'A'.repeat(11) })).rejects.toThrow(/"name" takes at most 10 characters/);
    await expect(user.submitModal(handle, { name: 'Ada\nL' })).rejects.toThrow(/short \(one-line\) input/);
    await expect(user.submitModal(handle, { name: 'Ada', age: '36' })).rejects.toThrow(/no field "age"/);
    await expect(user.submitModal(handle, { name: 'Ada', city: '' })).rejects.toThrow(/"city" is required/);

    let fields: unknown;
    onSubmit = async (interaction) => {
      if (!interaction.isModalSubmit()) return;
      fields = ['name', 'why', 'city'].map((id) => interaction.fields.getTextInputValue(id));
      await interaction.reply({ content: 'received', flags: MessageFlags.Ephemeral });
    };
    const submitted = await user.submitModal(handle, { name: 'Ada' });
    expect((await submitted.reply()).content).toBe('received');
    expect(fields).toEqual(['Ada', '', 'Oslo']);
    expect(user.openModal()).toBeUndefined();
    await expect(user.submitModal(handle, { name: 'Ada' })).rejects.toThrow(/no longer open/);
    await expect(user.submitModal(submitted, {})).rejects.toThrow(/showed no modal/);
  });

  it('closes a dismissed modal, and a newer modal replaces the open one', async () => {
    const first = await open(modal());
    sim.user(member).dismissModal();
    await expect(sim.user(member).submitModal(first, { text: 'x' })).rejects.toThrow(/no longer open/);
    const second = await open(modal());
    const third = await open(modal({ custom_id: 'other' }));
    await expect(sim.user(member).submitModal(second, { text: 'x' })).rejects.toThrow(/no longer open/);
    expect(sim.user(member).openModal()?.custom_id).toBe('other');
    await expect(sim.user(member).submitModal(third, { text: 'x' })).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('answers a modal in response to a modal submit with 50035 INTERACTION_RESPONSE_TYPE_INVALID', async () => {
    let failure: any;
    onSubmit = async (interaction) => {
      if (interaction.isModalSubmit()) failure = await rejection(client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 9, data: modal() }, auth: false }));
    };
    await sim.user(member).submitModal(await open(modal()), { text: 'x' });
    await waitFor(() => failure !== undefined);
    expect(failure.rawError).toEqual({ message: 'Invalid Form Body', code: 50035, errors: { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Interaction response type is invalid for this interaction.' }] } } });
  });

  it.each([
    ['a 46-character title', modal({ title: 't'.repeat(46) }), { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 45 or fewer in length.' }] } }],
    ['six rows', modal({ components: Array.from({ length: 6 }, (_, i) => row({ custom_id: `t${i}` })) }), { components: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be 5 or fewer in length.' }] } }],
    ['no rows', modal({ components: [] }), { components: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be 1 or more in length.' }] } }],
    ['a 101-character custom_id', modal({ custom_id: 'c'.repeat(101) }), { custom_id: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } }],
    ['a 46-character label', modal({ components: [row({ label: 'l'.repeat(46) })] }), { components: { 0: { components: { 0: { label: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 45 or fewer in length.' }] } } } } } }],
    ['max_length 4001', modal({ components: [row({ max_length: 4001 })] }), { components: { 0: { components: { 0: { max_length: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 4000.' }] } } } } } }],
    ['a 101-character placeholder', modal({ components: [row({ placeholder: 'p'.repeat(101) })] }), { components: { 0: { components: { 0: { placeholder: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' }] } } } } } }],
    ['style 3', modal({ components: [row({ style: 3 })] }), { components: { 0: { components: { 0: { style: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Invalid value.' }] } } } } } }],
    ['a duplicated custom_id', modal({ components: [row({}), row({})] }), { components: { _errors: [{ code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' }] } }],
  ])('answers a modal with %s with 50035 and shows nothing', async (_case, shown, errors) => {
    show = undefined;
    const handle = await sim.user(member).slashCommand(guildId, 'apply');
    const failure = await rejection(client.rest.post(Routes.interactionCallback(handle.id, handle.token), { body: { type: 9, data: shown }, auth: false }));
    expect(failure.rawError).toEqual({ message: 'Invalid Form Body', code: 50035, errors: { data: errors } });
    expect(handle.callbacks).toEqual([]);
  });
});

describe('Discord simulator modal labels, selects and file uploads', () => {
  it('delivers a label-wrapped text input, string select and file upload that discord.js reads', async () => {
    const sim = await startDiscordSim();
    const client = await connectClient(sim);
    try {
      const owner = sim.createUser({ username: 'owner' }).id;
      const guildId = sim.createGuild({ name: 'School', ownerId: owner }).id;
      await client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), { body: [{ name: 'enrol', description: 'Enrol' }] });
      const shown = {
        custom_id: 'enrol',
        title: 'Enrol',
        components: [
          { type: 10, content: 'Tell us about you' },
          { type: 18, label: 'Name', component: { type: 4, custom_id: 'name', style: 1 } },
          { type: 18, label: 'Level', component: { type: 3, custom_id: 'level', options: [{ label: 'Beginner', value: 'b' }, { label: 'Advanced', value: 'a' }] } },
          { type: 18, label: 'Transcript', description: 'PDF', component: { type: 19, custom_id: 'docs', max_values: 2 } },
        ],
      };
      let read: unknown;
      client.on(Events.InteractionCreate, async (interaction) => {
        if (interaction.isChatInputCommand()) await interaction.showModal(shown as never);
        if (!interaction.isModalSubmit()) return;
        const files = [...(interaction.fields.getUploadedFiles('docs') ?? new Map()).values()];
        const bytes = await Promise.all(files.map(async (file) => createHash('sha256').update(Buffer.from(await (await fetch(file.url)).arrayBuffer())).digest('hex')));
        read = { name: interaction.fields.getTextInputValue('name'), level: interaction.fields.getStringSelectValues('level'), files: files.map((file) => file.name), bytes };
        await interaction.reply({ content: 'ok' });
      });
      const user = sim.user(owner);
      const handle = await user.slashCommand(guildId, 'enrol');
      expect(await handle.modal()).toEqual(shown);
      const pdf = Buffer.from('%PDF-1.4 transcript');
      await expect(user.submitModal(handle, { name: 'Ada', level: ['x'] })).rejects.toThrow(/distinct options/);
      await expect(user.submitModal(handle, { name: 'Ada', level: ['a', 'b'] })).rejects.toThrow(/takes 1-1 values, not 2/);
      await expect(user.submitModal(handle, { name: 'Ada', level: ['a'] })).rejects.toThrow(/"docs" takes 1-2 files, not 0/);
      await expect(user.submitModal(handle, { name: 'Ada', level: ['a'], docs: 'x' as never })).rejects.toThrow(/file upload/);
      const submitted = await user.submitModal(handle, { name: 'Ada', level: ['a'], docs: [{ name: 'transcript.pdf', data: pdf }] });
      expect((await submitted.reply()).content).toBe('ok');
      expect(read).toEqual({ name: 'Ada', level: ['a'], files: ['transcript.pdf'], bytes: [createHash('sha256').update(pdf).digest('hex')] });
    } finally {
      await client.destroy();
      await sim.close();
    }
  });
});
