import { type Client, Events, type Interaction, Routes, type TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, pings, startDiscordSim } from './index.ts';
import { connectClient, rejection } from './test-client.ts';

/**
 * allowed_mentions as the message resource documents it ("Allowed Mentions Object": without it
 * everything in the content pings; `parse` is exclusive with the id lists of its kind), with
 * Discord's MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE wording (Mephisto5558/Teufelsbot#287,
 * discord-haskell#75) and BASE_TYPE_CHOICES for an unknown parse type.
 */
describe('Discord simulator allowed mentions', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let channelId: string;
  let member: string;
  let other: string;
  let roleId: string;
  let onInteraction: (interaction: Interaction) => Promise<unknown> = async () => {};
  const everything = () => `@everyone <@${member}> <@!${other}> <@&${roleId}> hello`;

  beforeAll(async () => {
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'ada' }).id;
    other = sim.createUser({ username: 'bob' }).id;
    const guild = sim.createGuild({ name: 'Club', ownerId: owner });
    [guildId, channelId] = [guild.id, guild.systemChannelId];
    sim.addMember(guildId, member);
    sim.addMember(guildId, other);
    roleId = sim.createRole(guildId, { name: 'Members' }).id;
    client = await connectClient(sim);
    client.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction).catch(() => {}));
    await client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), { body: [{ name: 'hello', description: 'Say hello' }] });
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });
  const channel = () => client.channels.cache.get(channelId) as TextChannel;
  const stored = (id: string) => sim.channelMessages(channelId).find((message) => message.id === id)!;

  it('pings everything in the content when the request has no allowed_mentions, and records its absence', async () => {
    const sent = await channel().send(everything());
    const message = stored(sent.id);
    expect(message.allowedMentions).toBeNull();
    expect([sim.wouldPing(message, 'everyone'), sim.wouldPing(message, { user: member }), sim.wouldPing(message, { user: other }), sim.wouldPing(message, { role: roleId })]).toEqual([true, true, true, true]);
    expect([sent.mentions.everyone, [...sent.mentions.users.keys()].sort(), [...sent.mentions.roles.keys()]]).toEqual([true, [member, other].sort(), [roleId]]);
  });

  it.each([
    ['parse: [] (nothing)', { parse: [] }, [false, false, false, false]],
    ['one user by id', { users: ['MEMBER'] }, [false, true, false, false]],
    ['roles and everyone by parse', { parse: ['roles', 'everyone'] }, [true, false, false, true]],
    ['all users by parse, a role by id', { parse: ['users'], roles: ['ROLE'] }, [false, true, true, true]],
  ])('pings only what %s allows', async (_case, allowed, expected) => {
    const ids = (list: unknown) => (list as string[] | undefined)?.map((id) => ({ MEMBER: member, ROLE: roleId })[id] ?? id);
    const request = { ...allowed, ...('users' in allowed ? { users: ids(allowed.users) } : {}), ...('roles' in allowed ? { roles: ids(allowed.roles) } : {}) };
    const sent = await channel().send({ content: everything(), allowedMentions: request as never });
    const message = stored(sent.id);
    expect(message.allowedMentions).toEqual(request);
    expect([sim.wouldPing(message, 'everyone'), sim.wouldPing(message, { user: member }), sim.wouldPing(message, { user: other }), sim.wouldPing(message, { role: roleId })]).toEqual(expected);
    expect(sent.mentions.everyone).toBe(expected[0]);
  });

  it('pings the author of a replied-to message unless replied_user is off', async () => {
    const question = await sim.user(member).sendMessage(channelId, 'When is the next session?');
    const reply = async (allowed?: object) => {
      const sent = (await client.rest.post(Routes.channelMessages(channelId), { body: { content: 'Friday', message_reference: { message_id: question.id }, ...(allowed ? { allowed_mentions: allowed } : {}) } })) as { id: string; type: number };
      expect(sent.type).toBe(19);
      return sim.wouldPing(stored(sent.id), { user: member });
    };
    expect(await reply()).toBe(true);
    expect(await reply({ parse: [] })).toBe(false);
    expect(await reply({ parse: [], replied_user: true })).toBe(true);
    expect(await reply({ parse: ['users'], replied_user: false })).toBe(false);
  });

  it('records allowed_mentions of an interaction reply and of each edit', async () => {
    let edited = false;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: `hi <@${member}>`, allowedMentions: { users: [] } });
      await interaction.editReply({ content: `hi again <@${member}>` });
      edited = true;
    };
    const handle = await sim.user(member).slashCommand(guildId, 'hello');
    const reply = await handle.reply();
    expect(reply.allowedMentions).toEqual({ users: [] });
    expect(sim.wouldPing(reply, { user: member })).toBe(false);
    await expect.poll(() => edited).toBe(true);
    const after = stored(reply.id);
    expect(after.allowedMentions).toBeNull();
    expect(sim.wouldPing(after, { user: member })).toBe(true);
  });

  it.each([
    ['parse users with a users list', { parse: ['users'], users: ['1'.repeat(18)] }, { _errors: [{ code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', message: 'parse:["users"] and users: [ids...] are mutually exclusive.' }] }],
    ['parse roles with a roles list', { parse: ['roles'], roles: ['1'.repeat(18)] }, { _errors: [{ code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', message: 'parse:["roles"] and roles: [ids...] are mutually exclusive.' }] }],
    ['an unknown parse type', { parse: ['channels'] }, { parse: { 0: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: "Value must be one of ('users', 'roles', 'everyone')." }] } } }],
    ['101 users', { users: Array.from({ length: 101 }, (_, i) => String(10n ** 17n + BigInt(i))) }, { users: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' }] } }],
    ['a user id that is no snowflake', { users: ['ada'] }, { users: { 0: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: 'Value is not snowflake.' }] } } }],
  ])('answers %s with 50035', async (_case, allowed, errors) => {
    const error = await rejection(client.rest.post(Routes.channelMessages(channelId), { body: { content: 'x', allowed_mentions: allowed } }));
    expect([error.status, error.rawError]).toEqual([400, { message: 'Invalid Form Body', code: 50035, errors: { allowed_mentions: errors } }]);
  });

  it('accepts parse users with an empty users list, and null lists', async () => {
    await client.rest.post(Routes.channelMessages(channelId), { body: { content: 'x', allowed_mentions: { parse: ['users'], users: [], roles: null } } });
    expect(sim.calls.at(-1)?.status).toBe(200);
  });
});

describe('pings', () => {
  const [a, b, r] = ['111111111111111111', '222222222222222222', '333333333333333333'];
  it('decides from content and allowed_mentions alone', () => {
    expect(pings(`@here <@${a}> <@!${a}> <@&${r}>`, undefined)).toEqual({ everyone: true, users: [a], roles: [r] });
    expect(pings(`<@${a}>`, { users: [b] })).toEqual({ everyone: false, users: [], roles: [] });
    expect(pings('no mentions', { replied_user: true }, b)).toEqual({ everyone: false, users: [b], roles: [] });
    expect(pings('@everyone', { parse: ['users'] })).toEqual({ everyone: false, users: [], roles: [] });
  });
});
