import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FileTooLargeError, type FileStore, isSha256, type StoredFile } from '../../core/files/file-store.ts';

/**
 * The default file store: a directory (under DATA_DIR), one file per SHA-256 in a two-level fan-out
 * (`ab/cd/abcd…`) so no directory grows huge. A put streams into a temporary file in the store,
 * hashing as it goes, and renames it into place only when complete: rename is atomic on one file
 * system, so readers see the whole file or none, and a failure only has a temporary file to remove.
 */
export function createLocalFileStore(root: string): FileStore {
  const pathOf = (sha256: string) => {
    if (!isSha256(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };
  const tmpDir = path.join(root, 'tmp');
  return {
    async put(bytes, { maxBytes }): Promise<StoredFile> {
      await mkdir(tmpDir, { recursive: true });
      const temporary = path.join(tmpDir, randomUUID());
      const hash = createHash('sha256');
      let size = 0;
      const file = await open(temporary, 'wx');
      try {
        for await (const chunk of bytes instanceof Uint8Array ? Readable.from([bytes]) : bytes) {
          const piece = chunk as Uint8Array;
          size += piece.byteLength;
          if (size > maxBytes) throw new FileTooLargeError(maxBytes);
          hash.update(piece);
          await file.write(piece);
        }
        await file.sync();
      } catch (error) {
        await file.close();
        await rm(temporary, { force: true });
        throw error;
      }
      await file.close();
      const sha256 = hash.digest('hex');
      const target = pathOf(sha256);
      await mkdir(path.dirname(target), { recursive: true });
      // Same bytes already stored: keep the existing copy (identical by construction).
      if (await exists(target)) await rm(temporary, { force: true });
      else await rename(temporary, target);
      return { sha256, size };
    },
    async get(sha256) {
      try {
        return new Uint8Array(await readFile(pathOf(sha256)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    has: (sha256) => exists(pathOf(sha256)),
    async delete(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
