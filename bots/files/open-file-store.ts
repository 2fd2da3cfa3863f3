import path from 'node:path';
import type { Config } from '../../core/config.ts';
import type { FileStore } from '../../core/files/file-store.ts';
import { createLocalFileStore } from './local-file-store.ts';
import { createS3FileStore } from './s3-file-store.ts';

/** The configured file store: the S3-compatible bucket when `S3_*` is set, else `<DATA_DIR>/files`. */
export function openFileStore(config: Pick<Config, 's3' | 'dataDir'>): FileStore {
  return config.s3 ? createS3FileStore(config.s3) : createLocalFileStore(path.resolve(config.dataDir, 'files'));
}
