import type { Logger } from 'pino';
import { Input, type Telegram, TelegramError } from 'telegraf';
import type { InlineKeyboardMarkup, Message } from 'telegraf/types';
import type { FileStore } from '../../core/files/file-store.ts';
import { type TelegramFileCache, telegramFileCache } from '../../core/files/telegram-file-ids.ts';
import type { ReplyFile } from '../../core/reply.ts';
import type { BotContext } from './context.ts';

type Method = 'sendPhoto' | 'sendAudio' | 'sendVideo' | 'sendDocument';

/** Telegram shows these inline; anything else (GIF, WAV, WebM) goes as a document so it arrives unchanged. */
function methodFor(file: ReplyFile): Method {
  if (file.kind === 'image' && ['image/png', 'image/jpeg', 'image/webp'].includes(file.mime) && file.size <= 10 * 1024 * 1024) return 'sendPhoto';
  if (file.kind === 'audio' && ['audio/mpeg', 'audio/mp4', 'audio/x-m4a'].includes(file.mime)) return 'sendAudio';
  if (file.kind === 'video' && file.mime === 'video/mp4') return 'sendVideo';
  return 'sendDocument';
}

function fileIdOf(message: Message): string | undefined {
  if ('photo' in message) return message.photo.at(-1)?.file_id;
  if ('audio' in message) return message.audio.file_id;
  if ('video' in message) return message.video.file_id;
  if ('document' in message) return message.document.file_id;
  return undefined;
}

const botIdOf = (context: BotContext) => String(context.bot.botInfo?.id ?? context.bot.telegram.token.split(':')[0]);

/** Where a file's bytes and the bot's Telegram ids for them come from. */
export type TelegramFileSource = { cache: TelegramFileCache; store: FileStore; log: Pick<Logger, 'error'> };

/** A caption and buttons sent with a file (an announcement's text); a lesson's files go bare. */
export type FileExtras = { caption?: string; parse_mode?: 'HTML'; reply_markup?: InlineKeyboardMarkup; allow_paid_broadcast?: boolean };

/**
 * Sends a reply's files to a chat. A file goes up once per bot: Telegram's file_id for it is kept
 * (file ids are valid for one bot only) and every later send is by id. An id Telegram no longer
 * knows is forgotten and the file uploaded again from Lyceum's store.
 */
export async function sendReplyFiles(context: BotContext, chatId: number | string, files: ReplyFile[]): Promise<void> {
  const source = { cache: telegramFileCache(context.deps.db, botIdOf(context)), store: context.deps.files, log: context.log };
  for (const file of files) await sendFile(context.bot.telegram, source, chatId, file);
}

/** One file to one chat, by cached id when Telegram knows it; `undefined` when its bytes are missing from the store. */
export async function sendFile(telegram: Telegram, source: TelegramFileSource, chatId: number | string, file: ReplyFile, extras: FileExtras = {}): Promise<Message | undefined> {
  const method = methodFor(file);
  const cached = await source.cache.get(file.sha256);
  if (cached) {
    try {
      return await send(telegram, method, chatId, cached, extras);
    } catch (error) {
      if (!(error instanceof TelegramError && error.code === 400 && /file identifier|wrong type|can't use file/i.test(error.description))) throw error;
      await source.cache.forget(file.sha256);
    }
  }
  const bytes = await source.store.get(file.sha256);
  if (!bytes) {
    source.log.error({ sha256: file.sha256 }, 'a file is missing from the file store');
    return undefined;
  }
  const sent = await send(telegram, method, chatId, Input.fromBuffer(Buffer.from(bytes), file.name), extras);
  const fileId = fileIdOf(sent);
  if (fileId) await source.cache.remember(file.sha256, fileId);
  return sent;
}

function send(telegram: Telegram, method: Method, chatId: number | string, media: string | ReturnType<typeof Input.fromBuffer>, extras: FileExtras): Promise<Message> {
  switch (method) {
    case 'sendPhoto':
      return telegram.sendPhoto(chatId, media, extras);
    case 'sendAudio':
      return telegram.sendAudio(chatId, media, extras);
    case 'sendVideo':
      return telegram.sendVideo(chatId, media, extras);
    case 'sendDocument':
      return telegram.sendDocument(chatId, media, extras);
  }
}
