import { createHash } from 'node:crypto';
import { type Client, Events, type Interaction, MessageFlags, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient, rejection, waitFor } from './test-client.ts';

/**
 * Attachment options (type 11): the member's file goes to the sim's CDN, the option's value is
 * the attachment id and `data.resolved.attachments` describes it (API reference, "Application
 * Command Option Type" and "Resolved Data"; ephemeral attachments as Discord sends them). CDN
 * urls are signed (`ex`, `is`, `hm`) like Discord's since 2023.
 */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2048, 7), Buffer.from('\n%%EOF\n')]);
const sha256 = (data: Buffer | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('Discord simulator attachment options and CDN', () => {
  let sim: DiscordSim;
  let client: Client;
  let guildId: string;
  let member: string;
  let onInteraction: (interaction: Interaction) => Promise<unknown> = async () => {};
  const raw: any[] = [];

  beforeAll(async () => {
    sim = await startDiscordSim({ uploadLimitBytes: 1024 * 1024 });
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'student' }).id;
    guildId = sim.createGuild({ name: 'Course', ownerId: owner }).id;
    sim.addMember(guildId, member);
    client = await connectClient(sim);
    client.on(Events.Raw, (packet: { t?: string; d?: unknown }) => packet.t === 'INTERACTION_CREATE' && raw.push(packet.d));
    client.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction).catch(() => {}));
    await client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), {
      body: [
        {
          name: 'submit',
          description: 'Hand in homework',
          options: [
            { type: 11, name: 'file', description: 'Your work', required: true },
            { type: 3, name: 'note', description: 'A note' },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('registers attachment options but refuses choices or autocomplete on them, and unknown option types', async () => {
    const register = (option: object) => rejection(client.rest.put(Routes.applicationGuildCommands(sim.applicationId, guildId), { body: [{ name: 'x', description: 'x', options: [option] }] }));
    const withChoices = await register({ type: 11, name: 'f', description: 'f', choices: [{ name: 'a', value: 'a' }] });
    expect(withChoices.rawError.errors).toEqual({ 0: { options: { 0: { choices: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Invalid value.' }] } } } } });
    expect((await register({ type: 11, name: 'f', description: 'f', autocomplete: true })).code).toBe(50035);
    expect((await register({ type: 12, name: 'f', description: 'f' })).code).toBe(50035);
    expect(sim.commands(guildId).map((command) => command.name)).toEqual(['submit']);
  });

  it('sends the file as an attachment option the bot reads with discord.js and downloads from the CDN', async () => {
    let downloaded: Buffer | undefined;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const file = interaction.options.getAttachment('file', true);
      downloaded = Buffer.from(await (await fetch(file.url)).arrayBuffer());
      await interaction.reply({ content: `${file.name} ${file.size} ${file.contentType} ${sha256(downloaded)}`, flags: MessageFlags.Ephemeral });
    };
    const handle = await sim.user(member).slashCommand(guildId, 'submit', { file: { name: 'essay final.pdf', data: PDF }, note: 'late' });
    expect((await handle.reply()).content).toBe(`essay_final.pdf ${PDF.length} application/pdf ${sha256(PDF)}`);
    expect(downloaded?.equals(PDF)).toBe(true);

    const data = raw.at(-1).data;
    const id = data.options[0].value;
    expect(data.options).toEqual([
      { name: 'file', type: 11, value: id },
      { name: 'note', type: 3, value: 'late' },
    ]);
    const attachment = data.resolved.attachments[id];
    expect(attachment).toMatchObject({ id, filename: 'essay_final.pdf', size: PDF.length, content_type: 'application/pdf', ephemeral: true });
    expect(attachment.url).toMatch(new RegExp(`^${sim.apiUrl.replace(/\/api$/, '')}/ephemeral-attachments/\\d+/${id}/essay_final\\.pdf\\?ex=[0-9a-f]{8}&is=[0-9a-f]{8}&hm=[0-9a-f]{64}&$`));
    expect(attachment.proxy_url).toBe(attachment.url);
    expect(sim.attachmentData(id).equals(PDF)).toBe(true);
  });

  it('guesses the content type from the name, and keeps one given explicitly', async () => {
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: String(interaction.options.getAttachment('file', true).contentType) });
    };
    expect((await (await sim.user(member).slashCommand(guildId, 'submit', { file: { name: 'a.txt', data: 'hello' } })).reply()).content).toBe('text/plain; charset=utf-8');
    expect((await (await sim.user(member).slashCommand(guildId, 'submit', { file: { name: 'a.bin', data: 'x', contentType: 'image/png' } })).reply()).content).toBe('image/png');
  });

  it('refuses what the client would not send: no file, text for a file, a file for text, a file over the upload limit', async () => {
    const user = sim.user(member);
    await expect(user.slashCommand(guildId, 'submit', {})).rejects.toThrow(/needs option "file"/);
    await expect(user.slashCommand(guildId, 'submit', { file: 'notes.pdf' })).rejects.toThrow(/takes a file/);
    await expect(user.slashCommand(guildId, 'submit', { file: { name: 'a.pdf', data: PDF }, note: { name: 'b.pdf', data: PDF } })).rejects.toThrow(/option "note" takes no file/);
    await expect(user.slashCommand(guildId, 'submit', { file: { name: 'big.pdf', data: Buffer.alloc(1024 * 1024 + 1) } })).rejects.toThrow(/upload limit/);
  });

  it('answers a tampered url 403, an unknown attachment 404, and serves HEAD', async () => {
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.deferReply();
    };
    const handle = await sim.user(member).slashCommand(guildId, 'submit', { file: { name: 'a.pdf', data: PDF } });
    await waitFor(() => handle.callbacks.length === 1);
    const url = new URL(sim.attachmentUrl(raw.at(-1).data.options[0].value));
    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), head.headers.get('content-type')]).toEqual([200, String(PDF.length), 'application/pdf']);
    const tampered = new URL(url);
    tampered.searchParams.set('ex', 'ffffffff');
    expect((await fetch(tampered)).status).toBe(403);
    const unsigned = new URL(url.pathname, url);
    expect((await fetch(unsigned)).status).toBe(403);
    const renamed = new URL(url.pathname.replace(/a\.pdf$/, 'b.pdf') + url.search, url);
    expect((await fetch(renamed)).status).toBe(404);
    expect(sim.calls.some((call) => call.path.includes('attachments/'))).toBe(false);
  });
});

describe('Discord simulator CDN url expiry', () => {
  it('answers an expired url 404 "This content is no longer available." and refreshes urls', async () => {
    const sim = await startDiscordSim({ attachmentUrlTtlMs: 0 });
    const client = await connectClient(sim);
    try {
      const owner = sim.createUser({ username: 'owner' }).id;
      const guild = sim.createGuild({ name: 'G', ownerId: owner });
      const sent = (await client.rest.post(Routes.channelMessages(guild.systemChannelId), { body: { content: 'f' }, files: [{ name: 'a.txt', data: Buffer.from('abc') }] })) as { attachments: Array<{ id: string; url: string }> };
      const expired = await fetch(sent.attachments[0]!.url);
      expect([expired.status, await expired.text()]).toEqual([404, 'This content is no longer available.']);
      const { refreshed_urls: refreshed } = (await client.rest.post('/attachments/refresh-urls', { body: { attachment_urls: [sent.attachments[0]!.url, 'https://example.com/x'] } })) as { refreshed_urls: Array<{ original: string; refreshed: string }> };
      expect(refreshed).toHaveLength(1);
      expect(refreshed[0]!.original).toBe(sent.attachments[0]!.url);
      expect(refreshed[0]!.refreshed).toMatch(/\/attachments\/\d+\/\d+\/a\.txt\?ex=/);
    } finally {
      await client.destroy();
      await sim.close();
    }
  });
});
