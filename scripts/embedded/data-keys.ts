import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type DataKeys, newDataKeyText, parseDataKeys } from '../../core/safety/sealed-values.ts';

/**
 * The embedded default's data key: generated once into `<dataDir>/encryption-key` (readable by
 * this user only) and read from there afterwards, so `npm start` needs no setup. Production
 * gives DATA_ENCRYPTION_KEY instead (a key next to the database it protects protects little).
 */
export async function localDataKeys(dataDir: string): Promise<DataKeys> {
  const file = path.join(dataDir, 'encryption-key');
  let text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) {
    text = newDataKeyText();
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    // `wx`: two processes starting at once keep whichever key was written first.
    await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      text = await readFile(file, 'utf8');
    });
  }
  const keys = parseDataKeys(text);
  if ('error' in keys) throw new Error(`${file}: ${keys.error}`);
  return keys;
}
