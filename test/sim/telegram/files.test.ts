import { Telegraf } from 'telegraf';
import type { Message } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdf, png, sha256 } from './file-support.ts';
import { startTelegramSim, type TelegramSim } from './index.ts';
import { errorOf } from './test-support.ts';

/** Files users send the bot, fetched through the real telegraf client: getFile, getFileLink and the download endpoint. */
describe('Telegram simulator: receiving and downloading files', () => {
  let sim: TelegramSim;
  let bot: Telegraf;
  let user: number;
  let groupId: number;
  const received: Message[] = [];

  beforeAll(async () => {
    sim = await startTelegramSim({ privacyMode: true });
    user = sim.createUser({ firstName: 'Ada' }).id;
    const member = sim.createUser({ firstName: 'Mo' }).id;
    groupId = sim.createGroup({ title: 'Class', type: 'supergroup', creatorId: member, memberIds: [user], botRights: 'member' }).id;
    bot = new Telegraf(sim.token, { telegram: { apiRoot: sim.apiRoot, webhookReply: false } });
    // The bot downloads every document it gets and answers with the bytes' SHA-256, or the refusal.
    bot.on('message', async (ctx) => {
      received.push(ctx.message);
      if (!('document' in ctx.message)) return;
      try {
        const link = await ctx.telegram.getFileLink(ctx.message.document.file_id);
        const bytes = Buffer.from(await (await fetch(link)).arrayBuffer());
        await ctx.reply(`sha256 ${sha256(bytes)}`);
      } catch (error) {
        await ctx.reply(`refused: ${(error as { description?: string }).description}`);
      }
    });
    await new Promise<void>((resolve) => void bot.launch({ allowedUpdates: ['message'] }, resolve));
    await sim.user(user).startBot();
  });
  afterAll(async () => {
    bot?.stop();
    await sim?.close();
  });

  it('delivers a user’s document whose file_id the bot can getFile and download byte for byte', async () => {
    const bytes = pdf('homework');
    const message = await sim.user(user).sendDocument(user, { name: 'homework.pdf', bytes, caption: 'my /homework' });
    expect(message.document).toEqual({ file_id: expect.any(String), file_unique_id: expect.any(String), file_name: 'homework.pdf', mime_type: 'application/pdf', file_size: bytes.length });
    expect(message).toMatchObject({ caption: 'my /homework', from: { id: user } });
    expect((await sim.waitForBotMessage(user)).text).toBe(`sha256 ${sha256(bytes)}`);
    expect(received.at(-1)).toMatchObject({ message_id: message.message_id, document: message.document, caption: 'my /homework' });
    const file = await bot.telegram.getFile(message.document!.file_id);
    expect(file).toEqual({ file_id: message.document!.file_id, file_unique_id: message.document!.file_unique_id, file_size: bytes.length, file_path: expect.stringMatching(/^documents\/file_\d+\.pdf$/) });
    expect((await bot.telegram.getFile(message.document!.file_id)).file_path).toBe(file.file_path);
    const link = await bot.telegram.getFileLink(file);
    expect(link.href).toBe(`${sim.apiRoot}/file/bot${sim.token}/${file.file_path}`);
    // Nothing went up: the bot only downloaded.
    expect(sim.uploadStats().uploads).toBe(0);
  });

  it('lets the bot re-send a received file by its file_id without uploading it', async () => {
    const bytes = Buffer.from('week 2 slides');
    const message = await sim.user(user).sendDocument(user, { name: 'slides.key', bytes });
    expect(message.document).not.toHaveProperty('mime_type');
    await sim.waitForBotMessage(user);
    const resent = await bot.telegram.sendDocument(user, message.document!.file_id, { caption: 'from Ada' });
    expect(resent.document.file_unique_id).toBe(message.document!.file_unique_id);
    expect(sim.mediaSends().at(-1)).toMatchObject({ source: 'file_id', sha256: sha256(bytes), caption: 'from Ada' });
    expect(sim.uploadStats()).toEqual({ botId: sim.bot.id, uploads: 0, bytes: 0 });
  });

  it('refuses to download files over 20 MB', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 7);
    const message = await sim.user(user).sendDocument(user, { name: 'lecture.zip', bytes: big });
    expect((await sim.waitForBotMessage(user)).text).toBe('refused: Bad Request: file is too big');
    expect(await errorOf(bot.telegram.getFile(message.document!.file_id))).toEqual([400, 'Bad Request: file is too big']);
    expect(message.document).toMatchObject({ mime_type: 'application/zip', file_size: big.length });
  });

  it('answers 404 for an unknown file_path or another token, and refuses getFile without a file_id', async () => {
    const message = await sim.user(user).sendDocument(user, { name: 'a.txt', bytes: 'abc' });
    await sim.waitForBotMessage(user);
    const { file_path: path } = await bot.telegram.getFile(message.document!.file_id);
    const ok = await fetch(`${sim.apiRoot}/file/bot${sim.token}/${path}`);
    expect([ok.status, await ok.text()]).toEqual([200, 'abc']);
    const wrongToken = await fetch(`${sim.apiRoot}/file/bot123:nope/${path}`);
    expect([wrongToken.status, await wrongToken.json()]).toEqual([404, { ok: false, error_code: 404, description: 'Not Found' }]);
    expect((await fetch(`${sim.apiRoot}/file/bot${sim.token}/documents/file_999.txt`)).status).toBe(404);
    expect(await errorOf(bot.telegram.callApi('getFile', {} as never))).toEqual([400, 'Bad Request: file_id not specified']);
  });

  it('sends photos, audio and video from users; photos come in sizes, each downloadable', async () => {
    const image = png(1600, 1200);
    const photo = await sim.user(user).sendPhoto(user, { bytes: image, caption: 'board' });
    expect(photo.photo!.map(({ width, height }) => [width, height])).toEqual([
      [90, 68],
      [1280, 960],
    ]);
    expect(photo.caption).toBe('board');
    const largest = photo.photo!.at(-1)!;
    const link = await bot.telegram.getFileLink(largest.file_id);
    expect(link.pathname).toMatch(/\/photos\/file_\d+\.jpg$/);
    expect(Buffer.from(await (await fetch(link)).arrayBuffer()).equals(image)).toBe(true);
    const audio = await sim.user(user).sendAudio(user, { name: 'voice.mp3', bytes: 'ID3...', duration: 3, title: 'Q' });
    expect(audio.audio).toMatchObject({ mime_type: 'audio/mpeg', duration: 3, title: 'Q' });
    const video = await sim.user(user).sendVideo(user, { name: 'demo.mp4', bytes: 'mp4...', width: 320, height: 240, duration: 2 });
    expect(video.video).toMatchObject({ mime_type: 'video/mp4', width: 320, height: 240, duration: 2 });
    expect((await bot.telegram.getFileLink(audio.audio!.file_id)).pathname).toMatch(/\/music\/file_\d+\.mp3$/);
    await expect(sim.user(user).sendPhoto(user, { bytes: 'not an image' })).rejects.toThrow(/needs image bytes/);
  });

  it('in a group with privacy mode, a document reaches the bot only when its caption is meant for it', async () => {
    const inGroup = () => received.filter((message) => message.chat.id === groupId).map((message) => message.message_id);
    await sim.user(user).sendDocument(groupId, { name: 'plain.pdf', bytes: pdf('plain'), caption: 'for everyone' });
    const meant = await sim.user(user).sendDocument(groupId, { name: 'cmd.pdf', bytes: pdf('cmd'), caption: '/submit' });
    expect((await sim.waitForBotMessage(groupId)).text).toBe(`sha256 ${sha256(pdf('cmd'))}`);
    expect(inGroup()).toEqual([meant.message_id]);
  });
});
