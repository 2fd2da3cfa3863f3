/** Public types of the simulator's files: Bot API file objects, recorded sends and what a scripted user uploads. */
import type { MessageEntity } from './html.ts';

export type SimMediaKind = 'document' | 'photo' | 'audio' | 'video';
export type SimMediaMethod = 'sendDocument' | 'sendPhoto' | 'sendAudio' | 'sendVideo';

/** Bot API `Document`; mime_type only when Telegram knows the file name's extension. */
export type SimDocument = { file_id: string; file_unique_id: string; file_name?: string; mime_type?: string; file_size: number };
export type SimPhotoSize = { file_id: string; file_unique_id: string; width: number; height: number; file_size: number };
export type SimAudio = SimDocument & { duration: number; performer?: string; title?: string };
export type SimVideo = SimDocument & { width: number; height: number; duration: number };
/** Bot API `File` (getFile); file_path only for files up to 20 MB. */
export type SimFile = { file_id: string; file_unique_id: string; file_size: number; file_path?: string };

/**
 * One media message the bot sent (refused calls are in `calls` with their error). `source`:
 * `upload` (multipart bytes, counted in uploadStats), `file_id` (a re-send, nothing went up) or
 * `url` (Telegram fetched it). `bytes` is the stored buffer: read it, don't change it.
 */
export type SimMediaSend = {
  method: SimMediaMethod;
  kind: SimMediaKind;
  chatId: number;
  messageId: number;
  source: 'upload' | 'file_id' | 'url';
  /** The file_id sent (for a re-send) or issued (for an upload or URL; a photo's largest size). */
  fileId: string;
  fileUniqueId: string;
  fileName?: string;
  mimeType?: string;
  size: number;
  sha256: string;
  bytes: Buffer;
  /** As the bot sent them: the raw caption, its parse_mode, and the reply_markup parameter. */
  caption?: string;
  parseMode?: string;
  replyMarkup?: unknown;
  at: number;
};

/** What went up through one bot's multipart uploads (re-sends by file_id and URLs are not counted). */
export type SimUploadStats = { botId: number; uploads: number; bytes: number };

/** A file the bot knows by file_id (received from a user or sent itself). */
export type SimStoredFile = {
  fileId: string;
  fileUniqueId: string;
  kind: SimMediaKind;
  botId: number;
  size: number;
  sha256: string;
  bytes: Buffer;
  fileName?: string;
  mimeType?: string;
  filePath?: string;
};

/** A file a scripted user sends from their device. */
export type SimUserFile = {
  bytes: Buffer | Uint8Array | string;
  /** The file's name on the device; photos need none. */
  name?: string;
  /** As the user's app reports it; by default from the name's extension. */
  mimeType?: string;
  caption?: string;
  replyTo?: number;
  /** A forum topic to post in. */
  threadId?: number;
  /** Audio and video metadata the app reads from the file (0 / absent by default). */
  duration?: number;
  width?: number;
  height?: number;
  performer?: string;
  title?: string;
};

/** A caption as Telegram stores it: the text and entities after parsing. */
export type SimCaption = { caption?: string; caption_entities?: MessageEntity[] };
