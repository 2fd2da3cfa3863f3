import { ChannelType, type Client, DiscordAPIError, Events, GatewayIntentBits, type Message, MessageType, Routes, type TextChannel, type ThreadChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient, rejection, waitFor } from './test-client.ts';

/**
 * Members posting in channels and threads (`sim.user(id).sendMessage`), as the bot receives it:
 * MESSAGE_CREATE with guild_id, member and mentions. Without the privileged MESSAGE_CONTENT intent
 * content, embeds and components arrive empty, except in DMs and messages that mention the bot
 * (a reply pings its author unless the ping is turned off). REST follows the portal setting.
 */
const BASE_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];

async function world(options: Parameters<typeof startDiscordSim>[0], intents: GatewayIntentBits[]) {
  const sim = await startDiscordSim(options);
  const owner = sim.createUser({ username: 'owner' }).id;
  const member = sim.createUser({ username: 'student' }).id;
  const guildId = sim.createGuild({ name: 'Academy', ownerId: owner }).id;
  sim.addMember(guildId, member);
  const staffId = sim.createTextChannel(guildId, 'staff').id;
  const client = await connectClient(sim, intents);
  const received: Message[] = [];
  client.on(Events.MessageCreate, (message) => void received.push(message));
  const thread = await (client.channels.cache.get(staffId) as TextChannel).threads.create({ name: 'Ticket', type: ChannelType.PrivateThread, invitable: false });
  await thread.members.add(member);
  /** What the client got for a message the sim stored. */
  const arrival = async (id: string) => {
    await waitFor(() => received.some((message) => message.id === id));
    return received.find((message) => message.id === id)!;
  };
  return { sim, client, guildId, member, staffId, thread, arrival };
}

describe('Discord simulator member messages without the MessageContent intent', () => {
  let ctx: Awaited<ReturnType<typeof world>>;

  beforeAll(async () => {
    ctx = await world({}, BASE_INTENTS);
  });
  afterAll(async () => {
    await ctx?.client.destroy();
    await ctx?.sim.close();
  });

  it('delivers a member’s thread message as a thread message with its member, but with empty content', async () => {
    const { sim, member, thread, staffId, guildId, arrival } = ctx;
    const sent = await sim.user(member).sendMessage(thread.id, 'I paid but have no access');
    const message = await arrival(sent.id);
    expect(message.channel.isThread()).toBe(true);
    expect((message.channel as ThreadChannel).parentId).toBe(staffId);
    expect(message).toMatchObject({ channelId: thread.id, guildId, content: '', type: MessageType.Default });
    expect(message.author.id).toBe(member);
    expect(message.member?.id).toBe(member);
    // The sim keeps what the member wrote; only the bot's view is empty.
    expect(sim.channelMessages(thread.id).at(-1)).toMatchObject({ id: sent.id, authorId: member, content: 'I paid but have no access' });
  });

  it('keeps the content of a message that mentions the bot, and of a reply that pings it', async () => {
    const { sim, member, thread, arrival } = ctx;
    const mention = await arrival((await sim.user(member).sendMessage(thread.id, `<@${sim.botUser.id}> order 42 please`)).id);
    expect(mention.content).toBe(`<@${sim.botUser.id}> order 42 please`);
    expect(mention.mentions.users.has(sim.botUser.id)).toBe(true);
    const question = await thread.send('Which email did you pay with?');
    const reply = await arrival((await sim.user(member).sendMessage(thread.id, 'me@example.com', { replyTo: question.id })).id);
    expect(reply).toMatchObject({ content: 'me@example.com', type: MessageType.Reply, reference: { messageId: question.id, channelId: thread.id } });
    expect(reply.mentions.repliedUser?.id).toBe(sim.botUser.id);
    expect((await reply.fetchReference()).id).toBe(question.id);
    // With "@ ON" turned off the reply does not mention the bot, so its content is withheld.
    const quiet = await arrival((await sim.user(member).sendMessage(thread.id, 'never mind', { replyTo: question.id, mentionRepliedUser: false })).id);
    expect(quiet).toMatchObject({ content: '', type: MessageType.Reply, reference: { messageId: question.id } });
    expect(quiet.mentions.users.size).toBe(0);
  });

  it('withholds content in plain guild channels too, but not in DMs', async () => {
    const { sim, member, staffId, arrival } = ctx;
    const inChannel = await arrival((await sim.user(member).sendMessage(staffId, 'hello staff')).id);
    expect(inChannel.channel.isThread()).toBe(false);
    expect(inChannel).toMatchObject({ channelId: staffId, content: '' });
    const dm = await arrival((await sim.user(member).sendDm('hello bot')).id);
    expect(dm.content).toBe('hello bot');
  });

  it('answers REST by the portal setting: GET message shows the content the gateway withheld', async () => {
    const { sim, member, thread, client } = ctx;
    const sent = await sim.user(member).sendMessage(thread.id, 'visible over REST');
    const fetched = (await client.rest.get(Routes.channelMessage(thread.id, sent.id))) as { content: string };
    expect(fetched.content).toBe('visible over REST');
  });

  it('lets the client do only what a member could: no posting outside their guild, in private threads they are not in, or replies to unknown messages', async () => {
    const { sim, guildId, member, thread, staffId } = ctx;
    const outsider = sim.createUser({ username: 'outsider' }).id;
    await expect(sim.user(outsider).sendMessage(staffId, 'hi')).rejects.toThrow(/not in guild/);
    const other = sim.createUser({ username: 'other' }).id;
    sim.addMember(guildId, other);
    await expect(sim.user(other).sendMessage(thread.id, 'let me in')).rejects.toThrow(/cannot see private thread/);
    await expect(sim.user(member).sendMessage(thread.id, 're', { replyTo: '123456789012345678' })).rejects.toThrow(/to reply to/);
    await expect(sim.user(member).sendMessage(thread.id, '')).rejects.toThrow(/1-2000/);
  });

  it('joins a member to a public thread when they post in it', async () => {
    const { sim, client, guildId, member, staffId, arrival } = ctx;
    const open = await (client.channels.cache.get(staffId) as TextChannel).threads.create({ name: 'FAQ', type: ChannelType.PublicThread });
    const message = await arrival((await sim.user(member).sendMessage(open.id, 'question')).id);
    expect(message.channel.isThread()).toBe(true);
    expect(sim.threads(guildId).find((candidate) => candidate.id === open.id)?.members).toEqual([sim.botUser.id, member]);
  });
});

describe('Discord simulator member messages with the MessageContent intent', () => {
  let ctx: Awaited<ReturnType<typeof world>>;

  beforeAll(async () => {
    ctx = await world({}, [...BASE_INTENTS, GatewayIntentBits.MessageContent]);
  });
  afterAll(async () => {
    await ctx?.client.destroy();
    await ctx?.sim.close();
  });

  it('delivers the content of every message in the thread and the channel', async () => {
    const { sim, member, thread, staffId, arrival } = ctx;
    const inThread = await arrival((await sim.user(member).sendMessage(thread.id, 'I paid but have no access')).id);
    expect(inThread).toMatchObject({ content: 'I paid but have no access', channelId: thread.id });
    expect((inThread.channel as ThreadChannel).parentId).toBe(staffId);
    const inChannel = await arrival((await sim.user(member).sendMessage(staffId, 'hello staff')).id);
    expect(inChannel.content).toBe('hello staff');
  });
});

describe('Discord simulator threads without privileged intents enabled in the portal', () => {
  let ctx: Awaited<ReturnType<typeof world>>;

  beforeAll(async () => {
    ctx = await world({ privilegedIntents: 0 }, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
  });
  afterAll(async () => {
    await ctx?.client.destroy();
    await ctx?.sim.close();
  });

  it('answers List Thread Members with 50001, withholds content over REST, and tells the bot only of its own joins', async () => {
    const { sim, member, thread, client } = ctx;
    const listed = await rejection(thread.members.fetch());
    expect(listed).toBeInstanceOf(DiscordAPIError);
    expect(listed).toMatchObject({ status: 403, code: 50001, rawError: { message: 'Missing Access' } });
    const sent = await sim.user(member).sendMessage(thread.id, 'secret');
    const fetched = (await client.rest.get(Routes.channelMessage(thread.id, sent.id))) as { content: string; author: { id: string } };
    expect(fetched).toMatchObject({ content: '', author: { id: member } });
    // Without GuildMembers the member added in set-up never reached the client's thread member cache.
    expect(thread.members.cache.has(member)).toBe(false);
    expect(thread.members.cache.has(sim.botUser.id)).toBe(true);
  });
});
