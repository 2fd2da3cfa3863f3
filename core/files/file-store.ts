import type { Readable } from 'node:stream';

/** What a stored file is known by: the SHA-256 of its bytes (hex) and its size. */
export type StoredFile = { sha256: string; size: number };

/** Why a put was refused; nothing was stored. */
export class FileTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`file is larger than ${limitBytes} bytes`);
  }
}

/**
 * Lyceum's own copy of every uploaded file (platform URLs expire, Telegram file ids belong to one
 * bot). Content-addressed: the key is the bytes' SHA-256, so the same file is kept once however
 * often it is uploaded. Implementations: a local directory (default) and S3-compatible storage.
 */
export interface FileStore {
  /**
   * Stores the bytes as they stream in, hashing on the way. More than `maxBytes` aborts with
   * FileTooLargeError. Atomic: a put that fails half-way (a dropped upload, the limit) leaves
   * nothing behind, and a reader never sees a partial file.
   */
  put(bytes: Readable | Uint8Array, options: { maxBytes: number }): Promise<StoredFile>;
  /** The bytes of a stored file, or undefined when there is none under that hash. */
  get(sha256: string): Promise<Uint8Array | undefined>;
  has(sha256: string): Promise<boolean>;
  /** Removes the file; removing one that is not there is not an error. */
  delete(sha256: string): Promise<void>;
}

export const isSha256 = (value: string) => /^[0-9a-f]{64}$/.test(value);
