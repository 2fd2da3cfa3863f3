/**
 * sendDocument, sendPhoto, sendAudio and sendVideo: the file as a multipart upload, a file_id the
 * bot holds, or an HTTP URL Telegram fetches; a caption (1024 characters after entity parsing,
 * parse_mode HTML), reply_markup, replies and topics as for sendMessage. Every delivered send is
 * recorded with its bytes; uploads count toward the bot's upload stats.
 */
import { z } from 'zod';
import { ApiError, badRequest } from './errors.ts';
import { imageInfo, mimeFromName, TDLIB_TYPE_NAMES } from './file-kinds.ts';
import type { SimCaption, SimMediaKind, SimMediaMethod, SimMediaSend } from './file-types.ts';
import type { FileEntry, FileStore } from './files.ts';
import { parseHtml } from './html.ts';
import { botReplyPlace, replyFields } from './messages.ts';
import { UploadedFile } from './multipart.ts';
import type { Methods, SimState } from './state.ts';
import type { SimTgMessage } from './types.ts';
import { chatId, entity, int, jsonOrValue, parse, replyMarkup, validateMarkup } from './validation.ts';

export const CAPTION_LIMIT = 1024;
/** TDLib's MAX_PHOTO_SIZE for uploads; Telegram fetches photos by URL up to 5 MB and other files up to 20 MB. */
const MAX_PHOTO_BYTES = 10 * (1 << 20);
const URL_LIMITS: Record<SimMediaKind, number> = { photo: 5 << 20, document: 20 << 20, audio: 20 << 20, video: 20 << 20 };
/** "In sendDocument, sending by URL will currently only work for GIF, PDF and ZIP files." */
const URL_DOCUMENT_TYPES = ['image/gif', 'application/pdf', 'application/zip'];
const METHODS: Record<SimMediaMethod, SimMediaKind> = { sendDocument: 'document', sendPhoto: 'photo', sendAudio: 'audio', sendVideo: 'video' };

const schema = z
  .object({
    chat_id: chatId,
    caption: z.string().optional(),
    parse_mode: z.enum(['HTML', 'MarkdownV2', 'Markdown']).optional(),
    caption_entities: jsonOrValue(z.array(entity)).optional(),
    reply_markup: jsonOrValue(replyMarkup).optional(),
    duration: int.optional(),
    width: int.optional(),
    height: int.optional(),
    performer: z.string().optional(),
    title: z.string().optional(),
    ...replyFields,
  })
  .loose();
type Params = z.infer<typeof schema>;
type Input = { source: SimMediaSend['source']; entry?: FileEntry; bytes: Buffer; fileName?: string; mimeType?: string };

export function mediaMethods(sim: SimState): Methods {
  return Object.fromEntries(
    Object.entries(METHODS).map(([method, kind]) => [method, (raw: Record<string, unknown>) => sendMedia(sim, method as SimMediaMethod, kind, raw)]),
  );
}

async function sendMedia(sim: SimState, method: SimMediaMethod, kind: SimMediaKind, raw: Record<string, unknown>): Promise<Record<string, unknown>> {
  const file = fileParameter(raw, kind);
  const params = parse(schema, raw);
  const caption = renderCaption(params.caption, params.parse_mode, params.caption_entities);
  const markup = validateMarkup(params.reply_markup);
  const state = sim.writableChat(params.chat_id);
  const place = botReplyPlace(sim, state, params);
  const input = await resolveInput(sim.files, kind, file);
  if ((caption.caption?.length ?? 0) > CAPTION_LIMIT) throw badRequest('message caption is too long');
  if (input.source === 'upload') sim.files.countUpload(input.bytes.length);
  const media = mediaContent(sim.files, kind, input, params);
  const message = sim.botMessage(state, { ...place, ...media.content, ...caption, ...(markup ? { reply_markup: markup } : {}) });
  sim.files.sends.push({
    method,
    kind,
    chatId: state.chat.id,
    messageId: message.message_id as number,
    source: input.source,
    fileId: media.entry.fileId,
    fileUniqueId: media.entry.fileUniqueId,
    ...(media.entry.fileName !== undefined ? { fileName: media.entry.fileName } : {}),
    ...(media.entry.mimeType ? { mimeType: media.entry.mimeType } : {}),
    size: media.entry.size,
    sha256: media.entry.sha256,
    bytes: media.entry.bytes,
    ...(params.caption !== undefined ? { caption: params.caption } : {}),
    ...(params.parse_mode ? { parseMode: params.parse_mode } : {}),
    ...(params.reply_markup ? { replyMarkup: params.reply_markup } : {}),
    at: Date.now(),
  });
  return message;
}

/** The file parameter: an upload (possibly as attach://name), a file_id or a URL. */
function fileParameter(raw: Record<string, unknown>, kind: SimMediaKind): UploadedFile | string {
  let value = raw[kind];
  if (typeof value === 'string' && value.startsWith('attach://')) value = raw[value.slice('attach://'.length)];
  if (value instanceof UploadedFile || (typeof value === 'string' && value !== '')) return value;
  throw badRequest(`there is no ${kind} in the request`);
}

/** A caption as Telegram stores it; an empty one is no caption. */
export function renderCaption(source: string | undefined, parseMode: string | undefined, entities: unknown[] | undefined): SimCaption {
  if (source === undefined || source === '') return {};
  if (parseMode && parseMode !== 'HTML') throw badRequest(`can't parse entities: the simulator supports parse_mode HTML only, not ${parseMode}`);
  if (parseMode === 'HTML') {
    const parsed = parseHtml(source);
    if (!parsed.ok) throw new ApiError(400, parsed.error);
    return parsed.text ? { caption: parsed.text, ...(parsed.entities.length ? { caption_entities: parsed.entities } : {}) } : {};
  }
  return { caption: source, ...(entities?.length ? { caption_entities: entities as SimCaption['caption_entities'] } : {}) };
}

async function resolveInput(files: FileStore, kind: SimMediaKind, file: UploadedFile | string): Promise<Input> {
  if (file instanceof UploadedFile) {
    checkBytes(kind, file.bytes);
    return { source: 'upload', bytes: file.bytes, fileName: file.filename, mimeType: mimeFromName(file.filename) };
  }
  if (/^https?:\/\//i.test(file)) return fetchUrl(kind, file);
  const entry = files.resolve(file);
  if ((entry.kind === 'photo') !== (kind === 'photo')) {
    throw badRequest(`can't use file of type ${TDLIB_TYPE_NAMES[entry.kind]} as ${TDLIB_TYPE_NAMES[kind]}`);
  }
  return { source: 'file_id', entry, bytes: entry.bytes };
}

/** What TDLib and Telegram check in new bytes: non-empty, and for a photo a readable image of sane size. */
function checkBytes(kind: SimMediaKind, bytes: Buffer): void {
  if (bytes.length === 0) throw badRequest('file must be non-empty');
  if (kind !== 'photo') return;
  if (bytes.length > MAX_PHOTO_BYTES) {
    throw badRequest(`file of size ${bytes.length} bytes is too big for a photo; the maximum size is ${MAX_PHOTO_BYTES} bytes`);
  }
  const info = imageInfo(bytes);
  if (!info) throw badRequest('IMAGE_PROCESS_FAILED');
  const ratio = Math.max(info.width, info.height) / Math.min(info.width, info.height);
  if (info.width + info.height > 10_000 || ratio > 20) throw badRequest('PHOTO_INVALID_DIMENSIONS');
}

/** Telegram downloads the URL itself; what it cannot get or use is refused. */
async function fetchUrl(kind: SimMediaKind, url: string): Promise<Input> {
  let response: Response;
  let bytes: Buffer;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    bytes = Buffer.from(await response.arrayBuffer());
  } catch {
    throw badRequest('failed to get HTTP URL content');
  }
  if (!response.ok || bytes.length > URL_LIMITS[kind]) throw badRequest('failed to get HTTP URL content');
  const fileName = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || undefined;
  const mimeType = response.headers.get('content-type')?.split(';')[0]?.trim() || mimeFromName(fileName);
  if (kind === 'document' && !URL_DOCUMENT_TYPES.includes(mimeType ?? '')) throw badRequest('wrong type of the web page content');
  checkBytes(kind, bytes);
  return { source: 'url', bytes, ...(fileName ? { fileName } : {}), ...(mimeType ? { mimeType } : {}) };
}

/** The message's media object, with a file_id of this bot's (the one re-sent, or a new one). */
function mediaContent(files: FileStore, kind: SimMediaKind, input: Input, params: Params): { content: Partial<SimTgMessage>; entry: FileEntry } {
  if (kind === 'photo') {
    const photo = input.entry ? structuredClone(input.entry.photo ?? []) : files.issuePhoto(input.bytes);
    return { content: { photo }, entry: input.entry ?? files.resolve(photo.at(-1)!.file_id) };
  }
  const entry =
    input.entry === undefined
      ? files.issue(kind, input.bytes, { fileName: input.fileName, mimeType: input.mimeType })
      : input.entry.kind === kind
        ? input.entry
        : files.reissue(input.entry, kind);
  const base = {
    file_id: entry.fileId,
    file_unique_id: entry.fileUniqueId,
    ...(entry.fileName !== undefined ? { file_name: entry.fileName } : {}),
    ...(entry.mimeType ? { mime_type: entry.mimeType } : {}),
    file_size: entry.size,
  };
  if (kind === 'document') return { content: { document: base }, entry };
  const duration = params.duration ?? 0;
  if (kind === 'audio') {
    return { content: { audio: { ...base, duration, ...(params.performer ? { performer: params.performer } : {}), ...(params.title ? { title: params.title } : {}) } }, entry };
  }
  return { content: { video: { ...base, width: params.width ?? 0, height: params.height ?? 0, duration } }, entry };
}
