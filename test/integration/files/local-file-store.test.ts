import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createLocalFileStore } from '../../../bots/files/local-file-store.ts';
import { fileStoreContract } from '../../contract/file-store.ts';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

fileStoreContract('local directory', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'lyceum-files-'));
  roots.push(root);
  // Leftovers: temporary files of puts that did not complete.
  return { store: createLocalFileStore(root), leftovers: async () => (await readdir(path.join(root, 'tmp')).catch(() => [])).length };
});
