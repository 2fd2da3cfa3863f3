import { ChannelType, type Client, Events, GatewayIntentBits, MessageFlags, type NewsChannel, PermissionFlagsBits, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient, rejection, waitFor } from './test-client.ts';

type Packet = { t: string; d: any };

/**
 * Announcement channels (type 5) and Crosspost Message, as the channel and message resources
 * document them: only in announcement channels (50024 elsewhere), the bot's own messages or
 * with Manage Messages (50013), once (40033), unknown messages 10008; the answer and
 * MESSAGE_UPDATE carry the CROSSPOSTED flag. Voice (2) and stage (13) channels are created the
 * same way.
 */
describe('Discord simulator announcement channels', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let newsId: string;
  let member: string;
  const raw: Packet[] = [];
  const news = () => client.channels.cache.get(newsId) as NewsChannel;
  const crosspostUrl = (channelId: string, messageId: string) => `${sim.apiUrl}/v10${Routes.channelMessageCrosspost(channelId, messageId)}`;

  beforeAll(async () => {
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'teacher' }).id;
    guildId = sim.createGuild({ name: 'Academy', ownerId: owner }).id;
    sim.addMember(guildId, member);
    newsId = sim.createTextChannel(guildId, 'news', { type: 5 }).id;
    client = await connectClient(sim, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildMessages]);
    client.on(Events.Raw, (packet: Packet) => raw.push(packet));
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('reports the channel as type 5 over REST and to discord.js, and takes messages like a text channel', async () => {
    expect(await client.rest.get(Routes.channel(newsId))).toMatchObject({ id: newsId, type: 5, guild_id: guildId, name: 'news' });
    expect(news().type).toBe(ChannelType.GuildAnnouncement);
    const sent = await news().send('Term starts Monday');
    expect(sim.channelMessages(newsId).map((message) => [message.id, message.content, message.flags])).toEqual([[sent.id, 'Term starts Monday', 0]]);
    await sim.user(member).sendMessage(newsId, 'Welcome back!');
    expect(sim.channelMessages(newsId)).toHaveLength(2);
  });

  it('crossposts the bot’s message: CROSSPOSTED on the answer, on MESSAGE_UPDATE, recorded; a repeat is 40033', async () => {
    const sent = await news().send('Enrolment is open');
    const published = await sent.crosspost();
    expect(published.flags.has(MessageFlags.Crossposted)).toBe(true);
    expect(sim.calls.at(-1)).toMatchObject({ method: 'POST', route: '/channels/:id/messages/:id/crosspost', status: 200 });
    expect(sim.crossposts(newsId)).toEqual([{ channelId: newsId, messageId: sent.id, at: expect.any(Number) }]);
    expect(sim.channelMessages(newsId).find((message) => message.id === sent.id)?.flags).toBe(MessageFlags.Crossposted);
    await waitFor(() => raw.some((packet) => packet.t === 'MESSAGE_UPDATE' && packet.d.id === sent.id && packet.d.flags === 1));
    const again = await rejection(client.rest.post(Routes.channelMessageCrosspost(newsId, sent.id)));
    expect(again).toMatchObject({ status: 400, code: 40033, rawError: { message: 'This message has already been crossposted', code: 40033 } });
    expect(sim.crossposts()).toHaveLength(1);
  });

  it('refuses text channels (50024) and unknown messages (10008)', async () => {
    const general = sim.createTextChannel(guildId, 'lounge').id;
    const sent = (await client.rest.post(Routes.channelMessages(general), { body: { content: 'hi' } })) as { id: string };
    expect(await rejection(client.rest.post(Routes.channelMessageCrosspost(general, sent.id)))).toMatchObject({
      status: 400,
      rawError: { message: 'Cannot execute action on this channel type', code: 50024 },
    });
    expect(await rejection(client.rest.post(Routes.channelMessageCrosspost(newsId, '1234567890123456789')))).toMatchObject({
      status: 404,
      rawError: { message: 'Unknown Message', code: 10008 },
    });
  });

  it('crossposts a member’s message only with Manage Messages (50013 without)', async () => {
    const theirs = await sim.user(member).sendMessage(newsId, 'Club fair on Friday');
    expect(await rejection(client.rest.post(Routes.channelMessageCrosspost(newsId, theirs.id)))).toMatchObject({ status: 403, code: 50013 });
    sim.setBotPermissions(guildId, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageMessages);
    await client.rest.post(Routes.channelMessageCrosspost(newsId, theirs.id));
    expect(sim.crossposts(newsId).map((post) => post.messageId).at(-1)).toBe(theirs.id);
  });

  it('limits crossposts to 10 an hour per channel: the 11th is a 429, another channel has its own count', async () => {
    const busy = sim.createTextChannel(guildId, 'busy-news', { type: 5 }).id;
    const other = sim.createTextChannel(guildId, 'other-news', { type: 5 }).id;
    const auth = { authorization: `Bot ${sim.botToken}` };
    const post = async (channelId: string) => {
      const sent = (await client.rest.post(Routes.channelMessages(channelId), { body: { content: 'update' } })) as { id: string };
      return fetch(crosspostUrl(channelId, sent.id), { method: 'POST', headers: auth });
    };
    const statuses: number[] = [];
    for (let index = 0; index < 11; index += 1) statuses.push((await post(busy)).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    const limited = sim.calls.filter((call) => call.status === 429).at(-1);
    expect(limited).toMatchObject({ route: '/channels/:id/messages/:id/crosspost', scope: 'user' });
    const answer = await post(busy);
    expect(answer.headers.get('x-ratelimit-limit')).toBe('10');
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(3_000);
    expect((await post(other)).status).toBe(200);
    expect(sim.crossposts(busy)).toHaveLength(10);
  });

  it('creates voice (2) and stage (13) channels that REST and discord.js report with their types', async () => {
    const voice = sim.createTextChannel(guildId, 'Study room', { type: 2 });
    const stage = sim.createTextChannel(guildId, 'Assembly', { type: 13 });
    expect([voice.type, stage.type]).toEqual([2, 13]);
    expect(await client.rest.get(Routes.channel(voice.id))).toMatchObject({ type: 2, bitrate: 64_000, user_limit: 0 });
    expect(await client.rest.get(Routes.channel(stage.id))).toMatchObject({ type: 13 });
    await waitFor(() => client.channels.cache.get(stage.id)?.type === ChannelType.GuildStageVoice);
    expect(client.channels.cache.get(voice.id)?.type).toBe(ChannelType.GuildVoice);
    expect(() => sim.createTextChannel(guildId, 'dm', { type: 1 as never })).toThrow(/not one a test can create/);
  });
});
