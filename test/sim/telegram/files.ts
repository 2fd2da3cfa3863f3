/**
 * The bot's files: every file_id it was given (by a user's message) or issued (by its own
 * upload), the bytes behind them, getFile and the download paths it hands out. A file_id is
 * issued for one bot (it carries the bot id, and only this store knows it): another bot's, or
 * an invented one, is "wrong file identifier/HTTP URL specified". file_unique_id comes from the
 * bytes, so it is the same across bots.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { badRequest } from './errors.ts';
import { DEFAULT_EXTENSIONS, extensionOf, FILE_FOLDERS, imageInfo } from './file-kinds.ts';
import type { SimFile, SimMediaKind, SimMediaSend, SimPhotoSize, SimStoredFile, SimUploadStats } from './file-types.ts';
import { parse } from './validation.ts';

/** telegram-bot-api's MAX_DOWNLOAD_FILE_SIZE: bigger files get no file_path. */
export const MAX_DOWNLOAD_BYTES = 20 << 20;
export const WRONG_FILE_ID = 'wrong file identifier/HTTP URL specified';
const KIND_CODES: Record<SimMediaKind, number> = { document: 5, photo: 2, audio: 9, video: 4 };

export type FileMeta = { fileName?: string; mimeType?: string; variant?: string };
/** `photo`: all sizes of the photo a photo size belongs to. */
export type FileEntry = SimStoredFile & { variant?: string; photo?: SimPhotoSize[] };

const getFileSchema = z.object({ file_id: z.string().optional() }).loose();

export class FileStore {
  readonly sends: SimMediaSend[] = [];
  private readonly files = new Map<string, FileEntry>();
  private readonly paths = new Map<string, FileEntry>();
  private readonly blobs = new Map<string, Buffer>();
  private readonly stats = { uploads: 0, bytes: 0 };
  private serial = 0;
  private pathSerial = 0;

  constructor(readonly botId: number) {}

  /** Stores bytes under a new file_id of this bot. */
  issue(kind: SimMediaKind, bytes: Buffer, meta: FileMeta = {}): FileEntry {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored = this.blobs.get(sha256) ?? Buffer.from(bytes);
    this.blobs.set(sha256, stored);
    const entry: FileEntry = {
      fileId: this.newFileId(kind),
      fileUniqueId: uniqueId(kind, sha256, meta.variant),
      kind,
      botId: this.botId,
      size: stored.length,
      sha256,
      bytes: stored,
      ...(meta.fileName !== undefined ? { fileName: meta.fileName } : {}),
      ...(meta.mimeType ? { mimeType: meta.mimeType } : {}),
      ...(meta.variant ? { variant: meta.variant } : {}),
    };
    this.files.set(entry.fileId, entry);
    return entry;
  }

  /** The same bytes under a new file_id of another kind (a document-class re-send as another method). */
  reissue(entry: FileEntry, kind: SimMediaKind): FileEntry {
    return this.issue(kind, entry.bytes, { fileName: entry.fileName, mimeType: entry.mimeType, variant: entry.variant });
  }

  /** A photo's sizes, smallest first: a 90 px thumbnail when the photo is larger, then the photo within 1280 px. */
  issuePhoto(bytes: Buffer): SimPhotoSize[] {
    const info = imageInfo(bytes);
    if (!info) throw badRequest('IMAGE_PROCESS_FAILED');
    const sizes: Array<{ max: number; variant: string }> = [{ max: 90, variant: 's' }, { max: 1280, variant: 'y' }];
    const longest = Math.max(info.width, info.height);
    const entries: FileEntry[] = [];
    const photo = sizes
      .filter((size, index) => index === sizes.length - 1 || longest > size.max)
      .map((size) => {
        const scale = Math.min(1, size.max / longest);
        const entry = this.issue('photo', bytes, { variant: size.variant });
        entries.push(entry);
        return {
          file_id: entry.fileId,
          file_unique_id: entry.fileUniqueId,
          width: Math.max(1, Math.round(info.width * scale)),
          height: Math.max(1, Math.round(info.height * scale)),
          file_size: entry.size,
        };
      });
    // Any size's file_id re-sends the whole photo.
    for (const entry of entries) entry.photo = photo;
    return photo;
  }

  countUpload(size: number): void {
    this.stats.uploads += 1;
    this.stats.bytes += size;
  }

  uploadStats(): SimUploadStats {
    return { botId: this.botId, ...this.stats };
  }

  /** The bot's file by file_id, for a method call. */
  resolve(fileId: string): FileEntry {
    const entry = this.lookup(fileId);
    if (!entry) throw badRequest(WRONG_FILE_ID);
    return entry;
  }

  lookup(fileId: string): FileEntry | undefined {
    return ownerOf(fileId) === this.botId ? this.files.get(fileId) : undefined;
  }

  readonly methods = {
    getFile: (raw: Record<string, unknown>): SimFile => {
      const fileId = parse(getFileSchema, raw).file_id;
      if (!fileId) throw badRequest('file_id not specified');
      const entry = this.resolve(fileId);
      if (entry.size > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
      return { file_id: entry.fileId, file_unique_id: entry.fileUniqueId, file_size: entry.size, file_path: this.pathOf(entry) };
    },
  };

  /** The bytes behind a file_path getFile gave out. */
  download(filePath: string): Buffer | undefined {
    return this.paths.get(filePath)?.bytes;
  }

  /** The same file is found at the same path however often getFile asks. */
  private pathOf(entry: FileEntry): string {
    if (entry.filePath) return entry.filePath;
    const extension = extensionOf(entry.fileName) ?? DEFAULT_EXTENSIONS[entry.kind];
    entry.filePath = `${FILE_FOLDERS[entry.kind]}/file_${this.pathSerial++}.${extension}`;
    this.paths.set(entry.filePath, entry);
    return entry.filePath;
  }

  /** Kind, bot id, a serial and random bytes, base64url: unguessable, and telling whose it is. */
  private newFileId(kind: SimMediaKind): string {
    const id = Buffer.alloc(19);
    id.writeUInt8(KIND_CODES[kind], 0);
    id.writeBigInt64BE(BigInt(this.botId), 1);
    id.writeUInt32BE(++this.serial, 9);
    randomBytes(6).copy(id, 13);
    return id.toString('base64url');
  }
}

/** The bot a sim file_id was issued for, or undefined when it is none of the sim's. */
export function ownerOf(fileId: string): number | undefined {
  const id = Buffer.from(fileId, 'base64url');
  if (id.length !== 19 || id.toString('base64url') !== fileId) return undefined;
  return Number(id.readBigInt64BE(1));
}

/** Telegram's file_unique_id: the same for the same file whichever bot holds it; photo sizes differ. */
function uniqueId(kind: SimMediaKind, sha256: string, variant = ''): string {
  const kindClass = kind === 'photo' ? 'photo' : 'document';
  return `AgAD${createHash('sha256').update(`${kindClass}:${sha256}:${variant}`).digest('base64url').slice(0, 12)}`;
}

export function snapshot(entry: FileEntry): SimStoredFile {
  const { variant: _variant, photo: _photo, ...rest } = entry;
  return { ...rest };
}
