import { ChannelType, type Client, Events, GatewayIntentBits, PermissionFlagsBits, Routes, type TextChannel, type ThreadChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient, rejection, waitFor } from './test-client.ts';

type Packet = { t: string; d: any };

/**
 * Threads the bot starts and fills, as the channel resource documents them: Start Thread without
 * Message (`type` defaults to private; private only in text channels; Create Private Threads),
 * Add Thread Member (204, idempotent; 10003, 10007, 50024), List Thread Members, and posting in
 * a thread (Send Messages in Threads). THREAD_CREATE carries `newly_created`.
 */
describe('Discord simulator threads', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let staffId: string;
  let member: string;
  const raw: Packet[] = [];
  const staff = () => client.channels.cache.get(staffId) as TextChannel;

  beforeAll(async () => {
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'student' }).id;
    guildId = sim.createGuild({ name: 'Academy', ownerId: owner }).id;
    sim.addMember(guildId, member);
    staffId = sim.createTextChannel(guildId, 'staff').id;
    client = await connectClient(sim, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildMessages]);
    client.on(Events.Raw, (packet: Packet) => raw.push(packet));
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('creates a private staff thread: 201, THREAD_CREATE with newly_created, cached by discord.js', async () => {
    expect(staff().type).toBe(ChannelType.GuildText);
    const thread = await staff().threads.create({ name: 'Ticket #1', type: ChannelType.PrivateThread, invitable: false });
    expect(thread).toMatchObject({ type: ChannelType.PrivateThread, parentId: staffId, ownerId: sim.botUser.id, invitable: false, name: 'Ticket #1' });
    expect(client.channels.cache.get(thread.id)?.isThread()).toBe(true);
    expect(sim.calls.at(-1)).toMatchObject({ method: 'POST', route: '/channels/:id/threads', status: 201 });
    const created = raw.find((packet) => packet.t === 'THREAD_CREATE' && packet.d.id === thread.id)?.d;
    expect(created).toMatchObject({ guild_id: guildId, parent_id: staffId, owner_id: sim.botUser.id, type: 12, newly_created: true });
    expect(created.thread_metadata).toMatchObject({ archived: false, locked: false, invitable: false, auto_archive_duration: 1440 });
    expect(sim.threads(guildId)).toEqual([{ id: thread.id, guildId, name: 'Ticket #1', type: 12, parentId: staffId, ownerId: sim.botUser.id, invitable: false, members: [sim.botUser.id] }]);
    // Only a public thread leaves a "started a thread" notice in its parent.
    expect(sim.channelMessages(staffId)).toEqual([]);
  });

  it('adds a member (204, idempotent), lists the members and posts in the thread', async () => {
    const thread = await staff().threads.create({ name: 'Ticket #2', type: ChannelType.PrivateThread, invitable: false });
    await thread.members.add(member);
    await thread.members.add(member);
    expect(sim.calls.filter((call) => call.route === '/channels/:id/thread-members/:id').map((call) => call.status)).toEqual([204, 204]);
    expect(sim.threads(guildId).find((candidate) => candidate.id === thread.id)?.members).toEqual([sim.botUser.id, member]);
    // With GuildMembers the bot hears about others joining; discord.js keeps the thread's members.
    await waitFor(() => thread.members.cache.has(member));
    expect(raw.some((packet) => packet.t === 'THREAD_MEMBERS_UPDATE' && packet.d.id === thread.id && packet.d.added_members[0].user_id === member)).toBe(true);
    const fetched = await thread.members.fetch({ withMember: true });
    expect([...fetched.keys()].sort()).toEqual([sim.botUser.id, member].sort());
    expect(fetched.get(member)?.guildMember?.id).toBe(member);
    await thread.send('A staff member will be with you shortly.');
    const history = sim.channelMessages(thread.id);
    // The add leaves one RECIPIENT_ADD system message (the repeat changed nothing), then the bot's post.
    expect(history.map((message) => [message.type ?? 0, message.authorId, message.content])).toEqual([
      [1, sim.botUser.id, ''],
      [0, sim.botUser.id, 'A staff member will be with you shortly.'],
    ]);
    expect(history[0]?.mentions).toEqual([member]);
    expect(sim.calls.at(-1)).toMatchObject({ route: '/channels/:id/messages', status: 200 });
  });

  it('refuses unknown threads (10003), non-members (10007) and channels that are not threads (50024)', async () => {
    const thread = await staff().threads.create({ name: 'Ticket #3', type: ChannelType.PrivateThread });
    const stranger = sim.createUser({ username: 'stranger' }).id;
    const unknownThread = await rejection(client.rest.put(Routes.threadMembers('123456789012345678', member)));
    expect(unknownThread).toMatchObject({ status: 404, code: 10003, rawError: { message: 'Unknown Channel' } });
    const notMember = await rejection(thread.members.add(stranger));
    expect(notMember).toMatchObject({ status: 404, code: 10007, rawError: { message: 'Unknown Member' } });
    const notThread = await rejection(client.rest.put(Routes.threadMembers(staffId, member)));
    expect(notThread).toMatchObject({ status: 400, code: 50024 });
    expect(sim.threads(guildId).find((candidate) => candidate.id === thread.id)?.members).toEqual([sim.botUser.id]);
  });

  it('answers 403 50013 without Create Private Threads; a public thread still works and leaves a notice', async () => {
    const { ViewChannel, SendMessages, EmbedLinks, ManageRoles, CreatePublicThreads } = PermissionFlagsBits;
    sim.setBotPermissions(guildId, ViewChannel | SendMessages | EmbedLinks | ManageRoles | CreatePublicThreads);
    await waitFor(() => !client.guilds.cache.get(guildId)!.members.me!.permissions.has(PermissionFlagsBits.CreatePrivateThreads));
    try {
      const refused = await rejection(staff().threads.create({ name: 'Secret', type: ChannelType.PrivateThread }));
      expect(refused).toMatchObject({ status: 403, code: 50013, rawError: { message: 'Missing Permissions', code: 50013 } });
      expect(sim.threads(guildId).some((thread) => thread.name === 'Secret')).toBe(false);
      const open = await staff().threads.create({ name: 'Open questions', type: ChannelType.PublicThread });
      expect(open.type).toBe(ChannelType.PublicThread);
      expect(sim.channelMessages(staffId).at(-1)).toMatchObject({ type: 18, authorId: sim.botUser.id, content: 'Open questions', reference: { channelId: open.id } });
      sim.setBotPermissions(guildId, ViewChannel | SendMessages | EmbedLinks | ManageRoles);
      const noPublic = await rejection(staff().threads.create({ name: 'Nope', type: ChannelType.PublicThread }));
      expect(noPublic).toMatchObject({ status: 403, code: 50013 });
    } finally {
      sim.setBotPermissions(guildId, ViewChannel | SendMessages | EmbedLinks | ManageRoles | CreatePublicThreads | PermissionFlagsBits.CreatePrivateThreads);
    }
  });

  it('needs Send Messages in Threads to post in a thread (Send Messages does not count there)', async () => {
    const thread = await staff().threads.create({ name: 'Quiet', type: ChannelType.PrivateThread });
    const { CreateInstantInvite, ViewChannel, SendMessages, EmbedLinks, ReadMessageHistory, UseApplicationCommands, SendMessagesInThreads } = PermissionFlagsBits;
    const everyone = CreateInstantInvite | ViewChannel | SendMessages | EmbedLinks | ReadMessageHistory | UseApplicationCommands;
    sim.updateRole(guildId, guildId, { permissions: everyone });
    try {
      expect(await rejection(thread.send('hello'))).toMatchObject({ status: 403, code: 50013 });
      expect(await rejection(thread.members.add(member))).toMatchObject({ status: 403, code: 50013 });
      await staff().send('the parent channel still works');
    } finally {
      sim.updateRole(guildId, guildId, { permissions: everyone | SendMessagesInThreads });
    }
    await thread.send('hello');
    expect(sim.channelMessages(thread.id).map((message) => message.content)).toEqual(['hello']);
  });

  it('validates the body like Discord: name 1-100, auto_archive_duration and type choices; type defaults to private', async () => {
    const post = (body: unknown, channelId = staffId) => rejection(client.rest.post(Routes.threads(channelId), { body }));
    expect((await post({ name: '' })).rawError.errors).toEqual({ name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } });
    expect((await post({ name: 'x'.repeat(101) })).rawError.errors.name._errors[0].code).toBe('BASE_TYPE_BAD_LENGTH');
    expect((await post({ name: 'x', auto_archive_duration: 30 })).rawError.errors).toEqual({
      auto_archive_duration: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {60, 1440, 4320, 10080}.' }] },
    });
    expect((await post({ name: 'x', type: 0 })).rawError.errors.type._errors[0].code).toBe('BASE_TYPE_CHOICES');
    expect((await post({})).rawError.errors.name._errors[0].code).toBe('BASE_TYPE_REQUIRED');
    const untyped = (await client.rest.post(Routes.threads(staffId), { body: { name: 'No type given', auto_archive_duration: 60 } })) as any;
    expect(untyped).toMatchObject({ type: 12, parent_id: staffId, thread_metadata: { auto_archive_duration: 60, invitable: true }, member: { user_id: sim.botUser.id } });
    expect(await post({ name: 'x', rate_limit_per_user: 21_601 })).toMatchObject({ status: 400, code: 50035 });
    // No threads in threads; an announcement-thread type in a text channel is the wrong type too.
    expect(await post({ name: 'nested', type: 12 }, untyped.id)).toMatchObject({ status: 400, code: 50024 });
    expect(await post({ name: 'news', type: 10 })).toMatchObject({ status: 400, code: 50024 });
  });

  it('announces a channel created later (CHANNEL_CREATE) and answers Get Channel for a thread with the bot’s membership', async () => {
    const later = sim.createTextChannel(guildId, 'moderators');
    await waitFor(() => client.channels.cache.has(later.id));
    const thread = await (client.channels.cache.get(later.id) as TextChannel).threads.create({ name: 'Mods', type: ChannelType.PrivateThread });
    client.channels.cache.delete(thread.id);
    const fetched = (await client.channels.fetch(thread.id)) as ThreadChannel;
    expect(fetched).toMatchObject({ id: thread.id, parentId: later.id, type: ChannelType.PrivateThread });
    expect(fetched.members.cache.has(sim.botUser.id)).toBe(true);
  });
});
