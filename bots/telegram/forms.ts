import { type Context, type Telegraf, TelegramError } from 'telegraf';
import { message } from 'telegraf/filters';
import { type CommandName, isCommandName } from '../../core/commands/index.ts';
import { parseTextOptions } from '../../core/commands/text-options.ts';
import { handleChatFormAnswer, handleCommand, type Outcome } from '../../core/dispatch.ts';
import { DEFAULT_UPLOAD_LIMITS } from '../../core/files/upload-policy.ts';
import { t } from '../../core/i18n/index.ts';
import { type BotContext, callerOf, localeOf } from './context.ts';
import { answer } from './replies.ts';

/** Telegram lets bots download files up to 20 MB (getFile); larger ones cannot reach Lyceum from here. */
const DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;
/** Commands that take a file: sent as the caption of a document (`/course import`, `/lesson add sql-basics Intro`). */
const FILE_COMMANDS = new Set<CommandName>(['course', 'lesson']);

type SentFile = { file_id: string; file_size?: number; file_name?: string };

/**
 * Forms as conversations, and files: in a private chat with a form open, the next text or file
 * is the answer to its question (see core/forms/chat-forms); a document whose caption is a
 * command (`/course import`) runs that command with the file. Anything else goes on to the
 * support assistant.
 */
export function mountForms(bot: Telegraf, context: BotContext): void {
  bot.on(message('text'), async (ctx, next) => {
    if (ctx.chat.type !== 'private' || ctx.message.text.startsWith('/')) return next();
    const outcome = await handleChatFormAnswer(context.deps, callerOf(ctx), { text: ctx.message.text });
    return outcome ? answer(context, ctx, Promise.resolve(outcome)) : next();
  });
  const onFile = async (ctx: Context, file: SentFile, fallbackName: string, caption: string | undefined) => {
    const command = /^\/(\w+)(?:@\w+)?\s*(.*)$/s.exec(caption ?? '');
    if (!command && ctx.chat?.type !== 'private') return;
    const download = await downloadFile(ctx, file, fallbackName);
    if ('refused' in download) return answer(context, ctx, Promise.resolve<Outcome>({ reply: { body: t(localeOf(ctx), download.refused), ephemeral: true } }));
    const name = command?.[1]?.toLowerCase() ?? '';
    if (command && isCommandName(name) && FILE_COMMANDS.has(name)) {
      return answer(context, ctx, handleCommand(context.deps, callerOf(ctx), name, { ...parseTextOptions(name, command[2] ?? ''), file: download }));
    }
    const outcome = await handleChatFormAnswer(context.deps, callerOf(ctx), { file: download });
    return answer(context, ctx, Promise.resolve<Outcome>(outcome ?? { reply: { body: t(localeOf(ctx), 'telegram.fileWithoutCommand'), ephemeral: true } }));
  };
  bot.on(message('document'), (ctx) => onFile(ctx, ctx.message.document, 'file', ctx.message.caption));
  bot.on(message('audio'), (ctx) => onFile(ctx, ctx.message.audio, 'audio.mp3', ctx.message.caption));
  bot.on(message('video'), (ctx) => onFile(ctx, ctx.message.video, 'video.mp4', ctx.message.caption));
  bot.on(message('photo'), (ctx) => onFile(ctx, ctx.message.photo.at(-1)!, 'photo.jpg', ctx.message.caption));
}

/** The file's bytes, by getFile and the bot's file link; a file over the download limit is refused before it is fetched. */
async function downloadFile(ctx: Context, file: SentFile, fallbackName: string): Promise<{ name: string; bytes: Uint8Array } | { refused: 'telegram.fileTooBig' }> {
  if ((file.file_size ?? 0) > Math.min(DOWNLOAD_LIMIT_BYTES, DEFAULT_UPLOAD_LIMITS.maxBytes)) return { refused: 'telegram.fileTooBig' };
  try {
    const link = await ctx.telegram.getFileLink(file.file_id);
    const response = await fetch(link);
    if (!response.ok) throw new Error(`file download failed: HTTP ${response.status}`);
    return { name: file.file_name ?? fallbackName, bytes: new Uint8Array(await response.arrayBuffer()) };
  } catch (error) {
    if (error instanceof TelegramError && /too big/i.test(error.description)) return { refused: 'telegram.fileTooBig' };
    throw error;
  }
}
