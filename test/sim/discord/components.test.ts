import { type Client, Events, type Interaction, MessageFlags, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient, rejection, waitFor } from './test-client.ts';

/**
 * Buttons as Discord validates them. Rules: the components reference ("Non-link and non-premium
 * buttons must have a custom_id, and cannot have a url or a sku_id. Link buttons must have a url,
 * and cannot have a custom_id"; premium buttons a sku_id only) and the OpenAPI description
 * (label <= 80, url <= 512). Discord's answers seen in the wild: "A custom id is required"
 * (serenity and nextcord reports), "A url is required" (appujet/Wave-Music#2), URL_TYPE_INVALID_SCHEME
 * "Scheme "x" is not supported..." (discord-buttons#42; `discord` allowed since 2021, discord.js#6559).
 */
const row = (...components: unknown[]) => [{ type: 1, components }];
const link = (extra: object = {}) => ({ type: 2, style: 5, label: 'Checkout', url: 'https://pay.example.com/c/1', ...extra });

describe('Discord simulator buttons', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let channelId: string;
  let member: string;
  let onInteraction: (interaction: Interaction) => Promise<unknown> = async () => {};
  let interactions = 0;

  beforeAll(async () => {
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'buyer' }).id;
    const guild = sim.createGuild({ name: 'Shop', ownerId: owner });
    [guildId, channelId] = [guild.id, guild.systemChannelId];
    sim.addMember(guildId, member);
    client = await connectClient(sim);
    client.on(Events.InteractionCreate, (interaction) => {
      interactions += 1;
      void onInteraction(interaction).catch(() => {});
    });
    await client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), { body: [{ name: 'buy', description: 'Buy access' }] });
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('shows an ephemeral reply with a link button; opening it returns the url and sends no interaction', async () => {
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: 'Pay here', components: row(link()), flags: MessageFlags.Ephemeral });
    };
    const reply = await (await sim.user(member).slashCommand(guildId, 'buy')).reply();
    expect(reply.ephemeral).toBe(true);
    const before = interactions;
    expect(sim.user(member).openLink(reply, 'Checkout')).toBe('https://pay.example.com/c/1');
    await expect(sim.user(member).clickButton(reply, 'Checkout')).rejects.toThrow(/link button: it sends no interaction/);
    expect(() => sim.user(member).openLink(reply, 'Nope')).toThrow(/no link button "Nope"/);
    expect(interactions).toBe(before);
  });

  it.each([
    ['a link button without url', link({ url: undefined }), 'url', 'BUTTON_COMPONENT_URL_REQUIRED', 'A url is required'],
    ['a button without custom_id', { type: 2, style: 1, label: 'Go' }, 'custom_id', 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', 'A custom id is required'],
    ['an ftp url', link({ url: 'ftp://files.example.com/a' }), 'url', 'URL_TYPE_INVALID_SCHEME', `Scheme "ftp" is not supported. Scheme must be one of ('http', 'https', 'discord').`],
    ['a url that is not a url', link({ url: 'https://' }), 'url', 'URL_TYPE_INVALID_URL', 'Not a well formed URL.'],
    ['a 513-character url', link({ url: `https://a.example/${'x'.repeat(495)}` }), 'url', 'BASE_TYPE_MAX_LENGTH', 'Must be 512 or fewer in length.'],
    ['an 81-character label', link({ label: 'l'.repeat(81) }), 'label', 'BASE_TYPE_MAX_LENGTH', 'Must be 80 or fewer in length.'],
    ['a premium button without sku_id', { type: 2, style: 6 }, 'sku_id', 'BASE_TYPE_REQUIRED', 'This field is required'],
  ])('answers %s in a channel message with 50035 at components.0.components.0.<field>', async (_case, button, field, code, message) => {
    const error = await rejection(client.rest.post(Routes.channelMessages(channelId), { body: { content: 'x', components: row(button) } }));
    expect([error.status, error.code]).toEqual([400, 50035]);
    expect(error.rawError).toEqual({ message: 'Invalid Form Body', code: 50035, errors: { components: { 0: { components: { 0: { [field]: { _errors: [{ code, message }] } } } } } } });
  });

  it('answers a link button with a custom_id on both fields, under data. for an interaction reply', async () => {
    let failure: unknown;
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) failure = await interaction.reply({ components: row(link({ custom_id: 'x' })) } as never).catch((error: unknown) => error);
    };
    await sim.user(member).slashCommand(guildId, 'buy');
    await waitFor(() => failure !== undefined);
    const exclusive = { _errors: [{ code: 'BUTTON_COMPONENT_CUSTOM_ID_URL_MUTUALLY_EXCLUSIVE', message: 'A custom id and url cannot both be specified' }] };
    expect((failure as { rawError: unknown }).rawError).toMatchObject({ code: 50035, errors: { data: { components: { 0: { components: { 0: { custom_id: exclusive, url: exclusive } } } } } } });
  });

  it('accepts http, https and discord:// links and a premium button with only a sku_id', async () => {
    const components = row(link({ url: 'http://a.example' }), link({ label: 'Docs', url: 'discord://-/channels/1/2' }), { type: 2, style: 6, sku_id: '1'.repeat(18) });
    const sent = (await client.rest.post(Routes.channelMessages(channelId), { body: { content: 'ok', components } })) as { id: string };
    expect(sim.channelMessages(channelId).find((message) => message.id === sent.id)?.components).toEqual(components);
  });
});
