import { createHash } from 'node:crypto';
import { type ChatInputCommandInteraction, type Client, Events, type Interaction, MessageFlags, Routes, type TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient, rejection, waitFor } from './test-client.ts';

/**
 * Files bots send, as discord.js sends them: multipart/form-data with `payload_json` and
 * `files[n]` parts (API reference, "Uploading Files"). Discord's answers: ATTACHMENT_NOT_FOUND
 * "Attachment data not found" for an `attachments[i].id` without its file (Cogmasters/concord#78),
 * 413 40005 "Request entity too large" over the upload limit (discord-api-docs#5964, #8572).
 */
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 1), Buffer.from('\n%%EOF\n')]);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('Discord simulator file uploads', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let channelId: string;
  let member: string;
  let onInteraction: (interaction: Interaction) => Promise<unknown> = async () => {};

  beforeAll(async () => {
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'student' }).id;
    const guild = sim.createGuild({ name: 'Course', ownerId: owner });
    [guildId, channelId] = [guild.id, guild.systemChannelId];
    sim.addMember(guildId, member);
    client = await connectClient(sim);
    client.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction).catch(() => {}));
    await client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), { body: [{ name: 'syllabus', description: 'Get the syllabus' }] });
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });
  const channel = () => client.channels.cache.get(channelId) as TextChannel;

  it('records a file discord.js sends with a channel message, with its bytes and a working CDN url', async () => {
    const sent = await channel().send({ content: 'Your certificate', files: [{ attachment: PDF, name: 'x.pdf', description: 'Certificate' }] });
    const call = sim.calls.at(-1)!;
    expect(call.files).toEqual([{ key: '0', filename: 'x.pdf', contentType: 'application/pdf', size: PDF.length }]);
    expect(call.body).toMatchObject({ content: 'Your certificate', attachments: [{ id: '0', description: 'Certificate' }] });
    const stored = sim.channelMessages(channelId).find((message) => message.id === sent.id)!;
    expect(stored.attachments).toEqual([{ id: expect.any(String), filename: 'x.pdf', contentType: 'application/pdf', size: PDF.length, sha256: sha256(PDF), description: 'Certificate' }]);
    expect(sim.attachmentData(stored.attachments![0]!.id).equals(PDF)).toBe(true);
    const attachment = sent.attachments.first()!;
    expect([attachment.id, attachment.name, attachment.size, attachment.contentType, attachment.description]).toEqual([stored.attachments![0]!.id, 'x.pdf', PDF.length, 'application/pdf', 'Certificate']);
    expect(Buffer.from(await (await fetch(attachment.url)).arrayBuffer()).equals(PDF)).toBe(true);
  });

  it('takes a message of files only, several files at once, and text without a detectable type', async () => {
    const sent = await channel().send({ files: [{ attachment: PDF, name: 'a.pdf' }, { attachment: Buffer.from('hello'), name: 'b.txt' }] });
    const stored = sim.channelMessages(channelId).find((message) => message.id === sent.id)!;
    expect(stored.content).toBe('');
    expect(stored.attachments?.map((file) => [file.filename, file.contentType, file.size])).toEqual([
      ['a.pdf', 'application/pdf', PDF.length],
      ['b.txt', 'text/plain; charset=utf-8', 5],
    ]);
  });

  it('records files in an interaction reply, a follow-up, and an edit of the reply that replaces them', async () => {
    let command: ChatInputCommandInteraction | undefined;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      command = interaction;
      await interaction.reply({ content: 'Syllabus', files: [{ attachment: PDF, name: 'syllabus.pdf' }], flags: MessageFlags.Ephemeral });
      await interaction.followUp({ content: 'Reading list', files: [{ attachment: Buffer.from('1. SICP'), name: 'reading.txt' }] });
    };
    const handle = await sim.user(member).slashCommand(guildId, 'syllabus');
    const reply = await handle.reply();
    expect(reply.attachments?.map((file) => [file.filename, file.sha256])).toEqual([['syllabus.pdf', sha256(PDF)]]);
    expect(sim.attachmentData(reply.attachments![0]!.id).equals(PDF)).toBe(true);
    await waitFor(() => handle.followUps().length === 1);
    expect(handle.followUps()[0]!.attachments?.map((file) => file.filename)).toEqual(['reading.txt']);

    const oldUrl = sim.attachmentUrl(reply.attachments![0]!.id);
    const v2 = Buffer.concat([PDF, Buffer.from('v2')]);
    await command!.editReply({ files: [{ attachment: v2, name: 'syllabus-v2.pdf' }] });
    const edited = sim.channelMessages(channelId).find((message) => message.id === reply.id);
    expect(edited?.content).toBe('Syllabus');
    expect(edited?.attachments?.map((file) => [file.filename, file.sha256])).toEqual([['syllabus-v2.pdf', sha256(v2)]]);
    expect((await fetch(oldUrl)).status).toBe(404);
  });

  it('keeps the attachments an edit lists by id, adds its uploads, and drops the rest', async () => {
    const sent = (await client.rest.post(Routes.channelMessages(channelId), {
      body: { content: 'two' },
      files: [{ name: 'a.txt', data: 'a' }, { name: 'b.txt', data: 'b' }],
    })) as { id: string; attachments: Array<{ id: string }> };
    const [a, b] = sent.attachments.map((attachment) => attachment.id);
    await client.rest.patch(Routes.channelMessage(channelId, sent.id), { body: { attachments: [{ id: b }, { id: 0, description: 'new' }] }, files: [{ name: 'c.txt', data: 'c' }] });
    const stored = sim.channelMessages(channelId).find((message) => message.id === sent.id)!;
    expect(stored.attachments?.map((file) => [file.filename, file.description])).toEqual([
      ['b.txt', undefined],
      ['c.txt', 'new'],
    ]);
    expect(() => sim.attachmentData(a!)).toThrow(/no attachment/);
    // Without `attachments` an edit keeps them.
    await client.rest.patch(Routes.channelMessage(channelId, sent.id), { body: { content: 'edited' } });
    expect(sim.channelMessages(channelId).find((message) => message.id === sent.id)?.attachments).toHaveLength(2);
  });

  it('answers an attachments id without its file with 50035 ATTACHMENT_NOT_FOUND, and stores nothing', async () => {
    const before = sim.channelMessages(channelId).length;
    const error = await rejection(client.rest.post(Routes.channelMessages(channelId), { body: { content: 'x', attachments: [{ id: 0 }, { id: 3 }] }, files: [{ name: 'a.txt', data: 'a' }] }));
    expect([error.status, error.rawError]).toEqual([400, { message: 'Invalid Form Body', code: 50035, errors: { attachments: { 1: { _errors: [{ code: 'ATTACHMENT_NOT_FOUND', message: 'Attachment data not found' }] } } } }]);
    expect(sim.channelMessages(channelId)).toHaveLength(before);
  });

  it('refuses more than 10 files, under data. in an interaction callback', async () => {
    let failure: any;
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) failure = await interaction.reply({ files: Array.from({ length: 11 }, (_, i) => ({ attachment: Buffer.from(`f${i}`), name: `f${i}.txt` })) }).catch((error: unknown) => error);
    };
    await sim.user(member).slashCommand(guildId, 'syllabus');
    await waitFor(() => failure !== undefined);
    expect(failure.rawError).toEqual({ message: 'Invalid Form Body', code: 50035, errors: { data: { attachments: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' }] } } } });
  });

  it('answers more than 25 MiB of files in one request with 413 40005', async () => {
    const half = Buffer.alloc(13 * 1024 * 1024, 1);
    const error = await rejection(channel().send({ files: [{ attachment: half, name: 'a.bin' }, { attachment: half, name: 'b.bin' }] }));
    expect([error.status, error.code, error.rawError.message]).toEqual([413, 40005, 'Request entity too large']);
  });

  it('answers a payload_json that is not JSON with 50109', async () => {
    const form = new FormData();
    form.append('payload_json', '{not json');
    form.append('files[0]', new Blob(['a']), 'a.txt');
    const response = await fetch(`${sim.apiUrl}/v10/channels/${channelId}/messages`, { method: 'POST', body: form, headers: { authorization: `Bot ${sim.botToken}` } });
    expect([response.status, await response.json()]).toEqual([400, { message: 'The request body contains invalid JSON.', code: 50109 }]);
  });
});
