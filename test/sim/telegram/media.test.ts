import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Input, Telegram } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdf, png, sha256 } from './file-support.ts';
import { startTelegramSim, type TelegramSim } from './index.ts';
import { errorOf } from './test-support.ts';

const WRONG_ID = 'Bad Request: wrong file identifier/HTTP URL specified';

/** The bot's documents, photos, audio and video through the real telegraf client: uploads, re-sends by file_id, URLs. */
describe('Telegram simulator: sending files', () => {
  let sim: TelegramSim;
  let other: TelegramSim;
  let telegram: Telegram;
  let user: number;
  let web: Server;
  let webRoot: string;

  beforeAll(async () => {
    sim = await startTelegramSim();
    other = await startTelegramSim({ token: '7000000002:other-bot-token-other-bot-token-xx' });
    telegram = new Telegram(sim.token, { apiRoot: sim.apiRoot });
    user = sim.createUser({ firstName: 'Ada' }).id;
    await sim.user(user).startBot();
    web = createServer((request, response) => {
      if (request.url === '/guide.pdf') response.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf('from the web'));
      else if (request.url === '/notes.txt') response.writeHead(200, { 'content-type': 'text/plain' }).end('plain text');
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webRoot = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all([sim?.close(), other?.close(), new Promise((resolve) => web?.close(resolve))]);
  });

  it('uploads a document once and re-sends it by file_id', async () => {
    const bytes = pdf('course notes');
    const markup = { inline_keyboard: [[{ text: 'Open', callback_data: 'open' }]] };
    const sent = await telegram.sendDocument(user, Input.fromBuffer(bytes, 'notes.pdf'), { caption: '<b>Notes</b> for week 1', parse_mode: 'HTML', reply_markup: markup });
    expect(sent.document).toEqual({ file_id: expect.any(String), file_unique_id: expect.any(String), file_name: 'notes.pdf', mime_type: 'application/pdf', file_size: bytes.length });
    expect(sent).toMatchObject({ caption: 'Notes for week 1', caption_entities: [{ type: 'bold', offset: 0, length: 5 }], reply_markup: markup });
    const again = await telegram.sendDocument(user, sent.document.file_id, { caption: 'again' });
    expect(again.document).toEqual(sent.document);
    expect(sim.uploadStats()).toEqual({ botId: sim.bot.id, uploads: 1, bytes: bytes.length });
    expect(sim.mediaSends('sendDocument').map(({ source, fileId, sha256: hash, caption, parseMode }) => ({ source, fileId, hash, caption, parseMode }))).toEqual([
      { source: 'upload', fileId: sent.document.file_id, hash: sha256(bytes), caption: '<b>Notes</b> for week 1', parseMode: 'HTML' },
      { source: 'file_id', fileId: sent.document.file_id, hash: sha256(bytes), caption: 'again', parseMode: undefined },
    ]);
    expect(sim.mediaSends()[0]).toMatchObject({ chatId: user, messageId: sent.message_id, replyMarkup: markup, fileName: 'notes.pdf', size: bytes.length });
    expect(sim.mediaSends()[0]!.bytes.equals(bytes)).toBe(true);
    expect(sim.callsTo('sendDocument')[0]!.params).toMatchObject({ document: { upload: 'notes.pdf', size: bytes.length, sha256: sha256(bytes) } });
    expect(sim.messages(user).at(-1)).toMatchObject({ fromBot: true, caption: 'again', document: sent.document });
  });

  it('issues file_ids per bot: another bot’s or an invented one is refused, file_unique_id follows the bytes', async () => {
    const bytes = pdf('shared');
    const mine = await telegram.sendDocument(user, Input.fromBuffer(bytes, 'shared.pdf'));
    const otherUser = other.createUser({ firstName: 'Bo' }).id;
    await other.user(otherUser).startBot();
    const theirs = await new Telegram(other.token, { apiRoot: other.apiRoot }).sendDocument(otherUser, Input.fromBuffer(bytes, 'shared.pdf'));
    expect(theirs.document.file_unique_id).toBe(mine.document.file_unique_id);
    expect(theirs.document.file_id).not.toBe(mine.document.file_id);
    expect(await errorOf(telegram.sendDocument(user, theirs.document.file_id))).toEqual([400, WRONG_ID]);
    expect(await errorOf(telegram.getFile(theirs.document.file_id))).toEqual([400, WRONG_ID]);
    expect(await errorOf(telegram.sendDocument(user, 'BQACAgIAAxkBAAIBZ2X'))).toEqual([400, WRONG_ID]);
    expect(sim.file(theirs.document.file_id)).toBeUndefined();
    expect(sim.file(mine.document.file_id)).toMatchObject({ kind: 'document', botId: sim.bot.id, sha256: sha256(bytes) });
    expect(other.uploadStats()).toEqual({ botId: 7_000_000_002, uploads: 1, bytes: bytes.length });
  });

  it('checks captions, markup and the chat as sendMessage does', async () => {
    const file = () => Input.fromBuffer(pdf('x'), 'x.pdf');
    expect(await errorOf(telegram.sendDocument(user, file(), { caption: 'c'.repeat(1025) }))).toEqual([400, 'Bad Request: message caption is too long']);
    expect(await errorOf(telegram.sendDocument(user, file(), { caption: `<i>${'c'.repeat(1024)}</i>`, parse_mode: 'HTML' }))).toBeUndefined();
    expect(await errorOf(telegram.sendDocument(user, file(), { caption: '<b>open', parse_mode: 'HTML' }))).toEqual([
      400,
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    ]);
    const tooLong = { reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'x'.repeat(65) }]] } };
    expect(await errorOf(telegram.sendDocument(user, file(), tooLong))).toEqual([400, 'Bad Request: BUTTON_DATA_INVALID']);
    const stranger = sim.createUser({ firstName: 'Cy' }).id;
    expect(await errorOf(telegram.sendDocument(stranger, file()))).toEqual([403, "Forbidden: bot can't initiate conversation with a user"]);
    const blocker = sim.createUser({ firstName: 'Di' }).id;
    await sim.user(blocker).startBot();
    sim.user(blocker).blockBot();
    expect(await errorOf(telegram.sendPhoto(blocker, Input.fromBuffer(png(4, 4), 'p.png')))).toEqual([403, 'Forbidden: bot was blocked by the user']);
    expect(await errorOf(telegram.sendDocument(-42, file()))).toEqual([400, 'Bad Request: chat not found']);
    expect(await errorOf(telegram.callApi('sendDocument', { chat_id: user } as never))).toEqual([400, 'Bad Request: there is no document in the request']);
  });

  it('refuses empty files, non-images as photos, uploads over 50 MB and photos used as documents', async () => {
    expect(await errorOf(telegram.sendDocument(user, Input.fromBuffer(Buffer.alloc(0), 'empty.txt')))).toEqual([400, 'Bad Request: file must be non-empty']);
    expect(await errorOf(telegram.sendPhoto(user, Input.fromBuffer(pdf('not an image'), 'fake.jpg')))).toEqual([400, 'Bad Request: IMAGE_PROCESS_FAILED']);
    const huge = Buffer.alloc(50 * 1024 * 1024 + 1, 1);
    expect(await errorOf(telegram.sendDocument(user, Input.fromBuffer(huge, 'huge.bin')))).toEqual([413, 'Request Entity Too Large']);
    expect(sim.callsTo('sendDocument').at(-1)).toMatchObject({ ok: false, errorCode: 413 });
    const photo = await telegram.sendPhoto(user, Input.fromBuffer(png(400, 200), 'wide.png'), { caption: 'wide' });
    expect(photo.photo.map(({ width, height }) => [width, height])).toEqual([
      [90, 45],
      [400, 200],
    ]);
    const largest = photo.photo.at(-1)!.file_id;
    expect(await errorOf(telegram.sendDocument(user, largest))).toEqual([400, "Bad Request: can't use file of type Photo as Document"]);
    const doc = await telegram.sendDocument(user, Input.fromBuffer(pdf('d'), 'd.pdf'));
    expect(await errorOf(telegram.sendPhoto(user, doc.document.file_id))).toEqual([400, "Bad Request: can't use file of type Document as Photo"]);
    const resent = await telegram.sendPhoto(user, largest);
    expect(resent.photo).toEqual(photo.photo);
    expect(sim.mediaSends('sendPhoto').map((send) => send.source)).toEqual(['upload', 'file_id']);
  });

  it('sends audio and video with their metadata, and a document-class file_id as another kind', async () => {
    const audio = await telegram.sendAudio(user, Input.fromBuffer(Buffer.from('ID3 fake mp3'), 'talk.mp3'), { duration: 61, performer: 'Ada', title: 'Talk' });
    expect(audio.audio).toEqual({ file_id: expect.any(String), file_unique_id: expect.any(String), file_name: 'talk.mp3', mime_type: 'audio/mpeg', file_size: 12, duration: 61, performer: 'Ada', title: 'Talk' });
    const video = await telegram.sendVideo(user, Input.fromBuffer(Buffer.from('fake mp4'), 'clip.mp4'), { width: 640, height: 360, duration: 5 });
    expect(video.video).toMatchObject({ file_name: 'clip.mp4', mime_type: 'video/mp4', width: 640, height: 360, duration: 5 });
    const asDocument = await telegram.sendDocument(user, video.video.file_id);
    expect(asDocument.document).toMatchObject({ file_unique_id: video.video.file_unique_id, file_name: 'clip.mp4' });
    expect(sim.mediaSends().slice(-3).map((send) => [send.method, send.source])).toEqual([
      ['sendAudio', 'upload'],
      ['sendVideo', 'upload'],
      ['sendDocument', 'file_id'],
    ]);
  });

  it('fetches an HTTP URL as Telegram does: PDF, GIF and ZIP documents only', async () => {
    const before = sim.uploadStats();
    const sent = await telegram.sendDocument(user, `${webRoot}/guide.pdf`);
    expect(sent.document).toMatchObject({ file_name: 'guide.pdf', mime_type: 'application/pdf', file_size: pdf('from the web').length });
    expect(sim.mediaSends().at(-1)).toMatchObject({ source: 'url', sha256: sha256(pdf('from the web')) });
    expect(sim.uploadStats()).toEqual(before);
    expect(await errorOf(telegram.sendDocument(user, `${webRoot}/notes.txt`))).toEqual([400, 'Bad Request: wrong type of the web page content']);
    expect(await errorOf(telegram.sendDocument(user, `${webRoot}/missing.pdf`))).toEqual([400, 'Bad Request: failed to get HTTP URL content']);
  });
});
