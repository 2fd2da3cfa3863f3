import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Sensitive columns (support messages, ticket subjects, resolutions and transcripts, payment
 * providers' customer ids) are stored sealed: AES-256-GCM under a key named in the value, so
 * old keys can be retired by re-sealing (`npm run keys:rotate`) while everything keeps running.
 *
 *   lyc1:<key id>:<base64url of iv (12 bytes) | tag (16 bytes) | ciphertext>
 *
 * The column's name is authenticated with the value, so a value copied into another column
 * fails to open. No query compares sealed values; a lookup that needs equality on one gets a
 * keyed-hash (HMAC) column beside it, never a scan that opens every row.
 */
const PREFIX = 'lyc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type DataKey = { id: string; key: Buffer };
/** The first key seals; every key opens (the older ones until rotation has re-sealed their values). */
export type DataKeys = readonly [DataKey, ...DataKey[]];

/** A sealed value that does not open: tampered, truncated, or under a key this process lacks. Never shown. */
export class SealedValueError extends Error {
  constructor(readonly column: string, readonly reason: 'format' | 'unknown_key' | 'authentication') {
    super(`a sealed value in ${column} could not be opened (${reason})`);
  }
}

const KEY_ID = /^[a-z0-9]{1,16}$/;

/**
 * `DATA_ENCRYPTION_KEY`: `<id>:<32 bytes, base64>[,<id>:<key>...]`, the sealing key first.
 * Errors name the problem, never the key.
 */
export function parseDataKeys(text: string): DataKeys | { error: string } {
  const keys: DataKey[] = [];
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [id, encoded, ...rest] = entry.split(':');
    if (!id || !KEY_ID.test(id) || !encoded || rest.length) return { error: 'each key must be <id>:<base64 key> with an id of 1-16 characters of a-z, 0-9' };
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) return { error: `key ${id} must be 32 bytes (base64 of 32 random bytes)` };
    if (keys.some((known) => known.id === id)) return { error: `key ${id} is given twice` };
    keys.push({ id, key });
  }
  const [first, ...others] = keys;
  return first ? [first, ...others] : { error: 'give at least one key' };
}

/** A fresh keyring text for a new deployment (what the embedded default writes into .data/). */
export const newDataKeyText = (id = `k${Date.now().toString(36)}`) => `${id}:${randomBytes(32).toString('base64')}`;

let installed: { keys: DataKeys; onFailure: (error: SealedValueError) => void } | undefined;

/** Called once per process at start, before any query touches a sealed column. */
export function installDataKeys(keys: DataKeys, onFailure: (error: SealedValueError) => void = () => {}): void {
  installed = { keys, onFailure };
}

function keyring() {
  if (!installed) throw new Error('data keys are not installed: call installDataKeys at start-up');
  return installed;
}

/** The id of the key new values are sealed with. */
export const sealingKeyId = () => keyring().keys[0].id;

export function seal(column: string, plain: string): string {
  const { id, key } = keyring().keys[0];
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(column));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}:${id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** Values written before the column was sealed read as they are; `keys:rotate` seals them. */
export const isSealed = (stored: string) => stored.startsWith(`${PREFIX}:`);

export function open(column: string, stored: string): string {
  if (!isSealed(stored)) return stored;
  const { keys, onFailure } = keyring();
  const fail = (reason: SealedValueError['reason']) => {
    const error = new SealedValueError(column, reason);
    onFailure(error);
    return error;
  };
  const [, id, encoded, ...rest] = stored.split(':');
  const bytes = encoded && !rest.length ? Buffer.from(encoded, 'base64url') : Buffer.alloc(0);
  if (bytes.length < IV_BYTES + TAG_BYTES) throw fail('format');
  const key = keys.find((candidate) => candidate.id === id)?.key;
  if (!key) throw fail('unknown_key');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(column));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw fail('authentication');
  }
}
