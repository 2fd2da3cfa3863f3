import { type Client, DiscordAPIError, Events, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient, rejection, waitFor } from './test-client.ts';

/**
 * Direct messages: `POST /users/@me/channels` opens (or returns) the DM channel, then
 * `POST /channels/:id/messages` sends. Discord refuses the send, not the open, with 403 50007
 * "Cannot send messages to this user" when the user has DMs from server members closed or
 * shares no server with the bot.
 */
describe('Discord simulator direct messages', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  const received: string[] = [];

  beforeAll(async () => {
    sim = await startDiscordSim();
    guildId = sim.createGuild({ name: 'G', ownerId: sim.createUser({ username: 'owner' }).id }).id;
    client = await connectClient(sim);
    client.on(Events.MessageCreate, (message) => received.push(message.content));
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('delivers a member’s DM to the bot and the bot’s answer (with a link button) to the member', async () => {
    const member = sim.createUser({ username: 'newcomer' }).id;
    sim.addMember(guildId, member);
    const dm = await sim.user(member).sendDm('hello bot');
    await waitFor(() => received.includes('hello bot'));
    const channel = await client.users.createDM(member);
    expect(channel.id).toBe(dm.channelId);
    const components = [{ type: 1, components: [{ type: 2, style: 5, label: 'Open checkout', url: 'https://pay.example.com/s/9' }] }];
    await channel.send({ content: 'hi there', components });
    const history = sim.dmMessages(member);
    expect(history.map((message) => message.content)).toEqual(['hello bot', 'hi there']);
    expect(sim.user(member).openLink(history[1]!, 'Open checkout')).toBe('https://pay.example.com/s/9');
  });

  it('answers 403 50007 to a user with DMs closed; opening the channel still works; it is recorded', async () => {
    const member = sim.createUser({ username: 'private' }).id;
    sim.addMember(guildId, member);
    sim.closeDms(member);
    const channel = (await client.rest.post(Routes.userChannels(), { body: { recipient_id: member } })) as { id: string; type: number };
    expect(channel.type).toBe(1);
    const refused = await rejection(client.rest.post(Routes.channelMessages(channel.id), { body: { content: 'your access is ready' } }));
    expect(refused).toBeInstanceOf(DiscordAPIError);
    expect(refused).toMatchObject({ status: 403, code: 50007, rawError: { message: 'Cannot send messages to this user', code: 50007 } });
    expect(sim.calls.at(-1)).toMatchObject({ method: 'POST', route: '/channels/:id/messages', status: 403, code: 50007 });
    expect(sim.dmMessages(member)).toEqual([]);
    sim.openDms(member);
    await client.rest.post(Routes.channelMessages(channel.id), { body: { content: 'your access is ready' } });
    expect(sim.dmMessages(member).map((message) => message.content)).toEqual(['your access is ready']);
  });

  it('answers 50007 to a user who shares no guild with the bot (e.g. after leaving)', async () => {
    const member = sim.createUser({ username: 'leaver' }).id;
    sim.addMember(guildId, member);
    const channel = await client.users.createDM(member);
    sim.removeMember(guildId, member);
    await expect(channel.send('we miss you')).rejects.toMatchObject({ code: 50007 });
  });

  it('keeps failNext injection for DMs (a 429 on the DM channel is retried by discord.js)', async () => {
    const member = sim.createUser({ username: 'busy' }).id;
    sim.addMember(guildId, member);
    const channel = await client.users.createDM(member);
    sim.failNext({ method: 'POST', path: new RegExp(`^/channels/${channel.id}/messages$`), status: 429, retryAfter: 0.05, scope: 'shared' });
    await channel.send('eventually');
    const attempts = sim.calls.filter((call) => call.path === `/channels/${channel.id}/messages`);
    expect(attempts.map((call) => [call.status, call.scope])).toEqual([[429, 'shared'], [200, undefined]]);
    expect(sim.invalidRequestCount()).toBe(sim.calls.filter((call) => call.status === 403).length);
  });
});
