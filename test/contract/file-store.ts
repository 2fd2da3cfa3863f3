import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FileTooLargeError, type FileStore } from '../../core/files/file-store.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const MB = 1024 * 1024;

/**
 * What every FileStore must do, run against each implementation (the local directory, S3): the
 * same behaviour whichever one a deployment configures.
 */
export function fileStoreContract(name: string, open: () => Promise<{ store: FileStore; leftovers(): Promise<number> }>): void {
  describe(`${name} file store`, () => {
    it('keeps bytes under their SHA-256 and gives them back unchanged', async () => {
      const { store } = await open();
      const bytes = randomBytes(300_000);
      const stored = await store.put(bytes, { maxBytes: MB });
      expect(stored).toEqual({ sha256: sha256(bytes), size: bytes.byteLength });
      expect(await store.has(stored.sha256)).toBe(true);
      expect(Buffer.from((await store.get(stored.sha256))!).equals(bytes)).toBe(true);
    });

    it('stores the same bytes once, however often they come, and streams as well as buffers', async () => {
      const { store } = await open();
      const bytes = randomBytes(70_000);
      const chunks = [bytes.subarray(0, 1_000), bytes.subarray(1_000, 50_000), bytes.subarray(50_000)];
      const first = await store.put(bytes, { maxBytes: MB });
      const second = await store.put(Readable.from(chunks), { maxBytes: MB });
      expect(second).toEqual(first);
    });

    it('refuses more than the limit and leaves nothing behind, not even a partial file', async () => {
      const { store, leftovers } = await open();
      const bytes = randomBytes(2 * MB);
      const slowly = Readable.from((function* () {
        for (let offset = 0; offset < bytes.byteLength; offset += 64 * 1024) yield bytes.subarray(offset, offset + 64 * 1024);
      })());
      await expect(store.put(slowly, { maxBytes: MB })).rejects.toBeInstanceOf(FileTooLargeError);
      expect(await store.has(sha256(bytes))).toBe(false);
      expect(await leftovers()).toBe(0);
    });

    it('leaves nothing behind when the upload breaks half-way', async () => {
      const { store, leftovers } = await open();
      const broken = new Readable({
        read() {
          this.push(randomBytes(100_000));
          this.destroy(new Error('connection reset'));
        },
      });
      await expect(store.put(broken, { maxBytes: MB })).rejects.toThrow('connection reset');
      expect(await leftovers()).toBe(0);
    });

    it('answers undefined for a file it does not hold, and deletes idempotently', async () => {
      const { store } = await open();
      const missing = sha256(randomBytes(16));
      expect(await store.get(missing)).toBeUndefined();
      expect(await store.has(missing)).toBe(false);
      const stored = await store.put(randomBytes(10), { maxBytes: MB });
      await store.delete(stored.sha256);
      await store.delete(stored.sha256);
      expect(await store.has(stored.sha256)).toBe(false);
    });

    it('refuses a key that is not a SHA-256 (no path tricks)', async () => {
      const { store } = await open();
      await expect(store.get('../../etc/passwd')).rejects.toThrow(/not a SHA-256/);
    });
  });
}
