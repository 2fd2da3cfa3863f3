import { type Client, Events, type Interaction, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient, waitFor } from './test-client.ts';

/**
 * Autocomplete: a type 4 interaction with the focused option as typed so far; the bot answers
 * callback type 8 with at most 25 choices, names 1-100 characters, values of the option's type
 * (API reference, "Autocomplete" and the choice object; OpenAPI ...AutocompleteCallback*Data).
 */
describe('Discord simulator autocomplete', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let owner: string;
  let respond: (interaction: Interaction) => Promise<unknown> = async () => {};
  let failure: { rawError?: unknown } | undefined;
  const focused: unknown[] = [];

  beforeAll(async () => {
    sim = await startDiscordSim({ interactionDeadlineMs: 300 });
    owner = sim.createUser({ username: 'creator' }).id;
    guildId = sim.createGuild({ name: 'Creators', ownerId: owner }).id;
    client = await connectClient(sim);
    client.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isAutocomplete()) focused.push(interaction.options.getFocused(true));
      void respond(interaction).catch((error: { rawError?: unknown }) => (failure = error));
    });
    await client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), {
      body: [
        {
          name: 'product',
          description: 'Set up a product',
          options: [
            { type: 3, name: 'role', description: 'Role it grants', required: true, autocomplete: true },
            { type: 4, name: 'months', description: 'Months', autocomplete: true },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('sends the focused option as typed and lets a creator pick a role from the choices', async () => {
    const vip = sim.createRole(guildId, { name: 'VIP' });
    respond = async (interaction) => {
      if (interaction.isAutocomplete()) {
        const typed = interaction.options.getFocused().toLowerCase();
        const roles = interaction.guild!.roles.cache.filter((role) => role.name.toLowerCase().startsWith(typed));
        await interaction.respond(roles.map((role) => ({ name: role.name, value: role.id })));
      } else if (interaction.isChatInputCommand()) {
        await interaction.reply({ content: `grants ${interaction.guild!.roles.cache.get(interaction.options.getString('role', true))!.name}` });
      }
    };
    const choices = await sim.user(owner).autocomplete(guildId, 'product', { role: 'vi' }, 'role');
    expect(choices).toEqual([{ name: 'VIP', value: vip.id }]);
    expect(focused.at(-1)).toMatchObject({ name: 'role', type: 3, value: 'vi', focused: true });
    expect((await (await sim.user(owner).slashCommand(guildId, 'product', { role: choices[0]!.value })).reply()).content).toBe('grants VIP');
  });

  it.each([
    ['26 choices', Array.from({ length: 26 }, (_, i) => ({ name: `r${i}`, value: `${i}` })), 'role', { choices: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] } }],
    ['a 101-character name', [{ name: 'n'.repeat(101), value: 'v' }], 'role', { choices: { 0: { name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } } } }],
    ['an empty name', [{ name: '', value: 'v' }], 'role', { choices: { 0: { name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } } } }],
    ['a string value for an integer option', [{ name: 'one', value: '1' }], 'months', { choices: { 0: { value: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Invalid value for the option type.' }] } } } }],
  ])('answers %s with 50035 and the member sees no choices', async (_case, choices, option, errors) => {
    failure = undefined;
    respond = async (interaction) => {
      if (interaction.isAutocomplete()) await client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 8, data: { choices } }, auth: false });
    };
    await expect(sim.user(owner).autocomplete(guildId, 'product', { [option]: '1' }, option)).rejects.toThrow(/did not answer/);
    await waitFor(() => failure !== undefined);
    expect(failure!.rawError).toEqual({ message: 'Invalid Form Body', code: 50035, errors: { data: errors } });
  });
});
