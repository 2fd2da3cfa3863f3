import { fileTypeFromBuffer } from 'file-type';

/** What a lesson attachment is, as members will get it (Telegram picks sendDocument, sendAudio, ... by it). */
export type AttachmentKind = 'document' | 'slides' | 'audio' | 'video' | 'image' | 'text';

/** What a community allows per file and per lesson (defaults below; creators may lower them). */
export type UploadLimits = { maxBytes: number; maxFilesPerLesson: number };

/** Telegram bots may send files up to 50 MB; a larger one could be stored but never delivered. */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxBytes: 50 * 1024 * 1024, maxFilesPerLesson: 10 };

/** The types a lesson may carry, by the MIME type read from the bytes. SVG and HTML are refused: they can carry script. */
const ALLOWED: Record<string, AttachmentKind> = {
  'application/pdf': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'document',
  'application/vnd.oasis.opendocument.text': 'document',
  'application/epub+zip': 'document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'slides',
  'application/vnd.oasis.opendocument.presentation': 'slides',
  'audio/mpeg': 'audio',
  'audio/ogg': 'audio',
  'audio/wav': 'audio',
  'audio/x-m4a': 'audio',
  'audio/mp4': 'audio',
  'video/mp4': 'video',
  'video/webm': 'video',
  'video/quicktime': 'video',
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
};
/** Plain text has no magic number: a name that says so, valid UTF-8, and no control bytes. */
const TEXT_NAMES = /\.(md|markdown|txt|csv|sql|py|js|ts|json)$/i;

export type UploadCheck = { ok: true; kind: AttachmentKind; mime: string } | { ok: false; reason: 'too_large' | 'empty' | 'type_refused'; detail: string };

/**
 * Judges a file from its bytes, not its name: the type is sniffed from the content (a renamed
 * .exe stays refused, a PDF called notes.txt is a PDF), then held against the allowed kinds and
 * the community's size limit. `head` needs only the first few kilobytes; `size` is the whole file's.
 */
export async function checkUpload(input: { name: string; head: Uint8Array; size: number }, limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): Promise<UploadCheck> {
  if (input.size === 0) return { ok: false, reason: 'empty', detail: input.name };
  if (input.size > limits.maxBytes) return { ok: false, reason: 'too_large', detail: `${input.size} > ${limits.maxBytes} bytes` };
  const sniffed = await fileTypeFromBuffer(input.head);
  if (sniffed) {
    const kind = ALLOWED[sniffed.mime];
    return kind ? { ok: true, kind, mime: sniffed.mime } : { ok: false, reason: 'type_refused', detail: sniffed.mime };
  }
  if (TEXT_NAMES.test(input.name) && isPlainText(input.head)) return { ok: true, kind: 'text', mime: 'text/plain; charset=utf-8' };
  return { ok: false, reason: 'type_refused', detail: 'unknown binary' };
}

function isPlainText(bytes: Uint8Array): boolean {
  // A cut at the end of `head` may split a character: only the complete part must decode.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const body = text.endsWith('\uFFFD') ? text.slice(0, -1) : text;
  return !body.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F]/.test(body) && !/<\s*(script|html|svg)\b/i.test(body);
}
