import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { FileTooLargeError, type FileStore, isSha256, type StoredFile } from '../../core/files/file-store.ts';

export type S3FileStoreOptions = {
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Any S3-compatible server (MinIO, R2, ...); AWS's own when unset. Path-style addressing then. */
  endpoint?: string | undefined;
  /** Keys go under this prefix, e.g. `lyceum/`. */
  prefix?: string;
};

/**
 * The file store on any S3-compatible service. A file is read in (at most `maxBytes`, hashing
 * on the way) and then written with one PutObject under its SHA-256: S3 makes an object visible
 * only when the whole PUT succeeded, so a broken upload leaves nothing, and the same bytes are
 * written once (a HEAD first).
 */
export function createS3FileStore(options: S3FileStoreOptions): FileStore {
  const client = new S3Client({
    region: options.region,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    // Plain PUTs (no aws-chunked trailers), which every S3-compatible server takes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const keyOf = (sha256: string) => {
    if (!isSha256(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return `${options.prefix ?? ''}${sha256.slice(0, 2)}/${sha256}`;
  };
  const missing = (error: unknown) => error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NoSuchKey' || error.name === 'NotFound');
  const has = async (sha256: string) => {
    try {
      await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: keyOf(sha256) }));
      return true;
    } catch (error) {
      if (missing(error)) return false;
      throw error;
    }
  };
  return {
    async put(bytes, { maxBytes }): Promise<StoredFile> {
      const chunks: Uint8Array[] = [];
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of bytes instanceof Uint8Array ? Readable.from([bytes]) : bytes) {
        const piece = chunk as Uint8Array;
        size += piece.byteLength;
        if (size > maxBytes) throw new FileTooLargeError(maxBytes);
        hash.update(piece);
        chunks.push(piece);
      }
      const sha256 = hash.digest('hex');
      if (!(await has(sha256))) {
        await client.send(new PutObjectCommand({ Bucket: options.bucket, Key: keyOf(sha256), Body: Buffer.concat(chunks), ContentType: 'application/octet-stream' }));
      }
      return { sha256, size };
    },
    async get(sha256) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: keyOf(sha256) }));
        return object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    has,
    async delete(sha256) {
      await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: keyOf(sha256) }));
    },
  };
}
