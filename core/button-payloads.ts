import { createHash } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import { type Action, encodeAction } from './actions.ts';
import type { Queryable } from './db/client.ts';
import { buttonPayloads } from './db/schema/index.ts';
import type { Reply } from './reply.ts';

const STORED_PREFIX = 'sp|';
const KEY = /^[A-Za-z0-9_-]{16}$/;
/** Unused stored payloads are dropped after this long; their buttons then ask to run the command again. */
export const STORED_PAYLOAD_TTL_DAYS = 30;

/** Whether an encoded payload fits where a platform puts it (custom_id, callback_data). */
export type PayloadFits = (encoded: string) => boolean;

/**
 * How each action of a reply is written into its button for one platform: the codec's compact
 * form when it fits, otherwise a 19-character reference to the same form stored for the
 * community. Stores happen here, before rendering, so renderers stay synchronous.
 */
export async function payloadEncoder(
  db: Queryable,
  communityId: string | undefined,
  reply: Reply,
  fits: PayloadFits,
): Promise<(action: Action) => string> {
  const stored = new Map<string, string>();
  const tooLong = actionsOf(reply)
    .map(encodeAction)
    .filter((encoded) => !fits(encoded));
  if (tooLong.length && communityId) {
    const rows = [...new Set(tooLong)].map((payload) => ({ communityId, key: keyOf(payload), payload }));
    await db
      .insert(buttonPayloads)
      .values(rows)
      .onConflictDoUpdate({ target: [buttonPayloads.communityId, buttonPayloads.key], set: { lastUsedAt: sql`now()` } });
    for (const row of rows) stored.set(row.payload, `${STORED_PREFIX}${row.key}`);
  }
  return (action) => {
    const encoded = encodeAction(action);
    return stored.get(encoded) ?? encoded;
  };
}

/**
 * The payload a button stands for: itself, or the stored one it references, looked up only in
 * the presser's community. Undefined for a reference that is unknown there (forged, pruned).
 */
export async function expandPayload(db: Queryable, communityId: string, encoded: string): Promise<string | undefined> {
  if (!encoded.startsWith(STORED_PREFIX)) return encoded;
  const key = encoded.slice(STORED_PREFIX.length);
  if (!KEY.test(key)) return undefined;
  const [row] = await db
    .select({ payload: buttonPayloads.payload })
    .from(buttonPayloads)
    .where(and(eq(buttonPayloads.communityId, communityId), eq(buttonPayloads.key, key)));
  return row?.payload;
}

export const isStoredPayload = (encoded: string) => encoded.startsWith(STORED_PREFIX);

/** Drops stored payloads no reply has used for the TTL; returns how many went. */
export async function pruneStoredPayloads(db: Queryable, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - STORED_PAYLOAD_TTL_DAYS * 86_400_000);
  const deleted = await db.delete(buttonPayloads).where(lt(buttonPayloads.lastUsedAt, cutoff)).returning({ key: buttonPayloads.key });
  return deleted.length;
}

const keyOf = (payload: string) => createHash('sha256').update(payload).digest('base64url').slice(0, 16);

function actionsOf(reply: Reply): Action[] {
  const form = reply.form ? [reply.form.submit] : [];
  return form.concat((reply.actions ?? []).flatMap((row) =>
    'buttons' in row
      ? row.buttons.flatMap((button) => ('action' in button ? [button.action] : []))
      : row.select.options.map((option) => option.action),
  ));
}
