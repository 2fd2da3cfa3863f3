import { Input, TelegramError } from 'telegraf';
import type { Message } from 'telegraf/types';
import { telegramFileCache } from '../../core/files/telegram-file-ids.ts';
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

/**
 * Sends a reply's files to a chat. A file goes up once per bot: Telegram's file_id for it is kept
 * (file ids are valid for one bot only) and every later send is by id. An id Telegram no longer
 * knows is forgotten and the file uploaded again from Lyceum's store.
 */
export async function sendReplyFiles(context: BotContext, chatId: number | string, files: ReplyFile[]): Promise<void> {
  const cache = telegramFileCache(context.deps.db, botIdOf(context));
  for (const file of files) {
    const method = methodFor(file);
    const cached = await cache.get(file.sha256);
    if (cached) {
      try {
        await send(context, method, chatId, cached);
        continue;
      } catch (error) {
        if (!(error instanceof TelegramError && error.code === 400 && /file identifier|wrong type|can't use file/i.test(error.description))) throw error;
        await cache.forget(file.sha256);
      }
    }
    const bytes = await context.deps.files.get(file.sha256);
    if (!bytes) {
      context.log.error({ sha256: file.sha256 }, 'a lesson file is missing from the file store');
      continue;
    }
    const sent = await send(context, method, chatId, Input.fromBuffer(Buffer.from(bytes), file.name));
    const fileId = fileIdOf(sent);
    if (fileId) await cache.remember(file.sha256, fileId);
  }
}

function send(context: BotContext, method: Method, chatId: number | string, media: string | ReturnType<typeof Input.fromBuffer>): Promise<Message> {
  const telegram = context.bot.telegram;
  switch (method) {
    case 'sendPhoto':
      return telegram.sendPhoto(chatId, media);
    case 'sendAudio':
      return telegram.sendAudio(chatId, media);
    case 'sendVideo':
      return telegram.sendVideo(chatId, media);
    case 'sendDocument':
      return telegram.sendDocument(chatId, media);
  }
}
