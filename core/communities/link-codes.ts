import { createHash, randomInt } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { spaceLinkCodes } from '../db/schema/index.ts';

/** Unambiguous characters (no 0/O, 1/I/L) so a code survives being read aloud or retyped. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const LINK_CODE_TTL_MS = 24 * 3600 * 1000;

/** What is stored instead of a code: its SHA-256, over the code without dashes, upper-cased. */
export const hashCode = (code: string) => createHash('sha256').update(code.replaceAll('-', '').toUpperCase()).digest('hex');

/** A fresh `K7Q2-M9XD`: 8 characters of the unambiguous alphabet (about 40 bits). */
export function newCode(): string {
  const raw = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
}

/** Creates a one-time code (e.g. `K7Q2-M9XD`) that links one more space to the community. */
export async function createLinkCode(
  db: Queryable,
  params: { communityId: string; memberId: string; now: Date },
): Promise<{ code: string; expiresAt: Date }> {
  const code = newCode();
  const expiresAt = new Date(params.now.getTime() + LINK_CODE_TTL_MS);
  await db.insert(spaceLinkCodes).values({
    communityId: params.communityId,
    codeHash: hashCode(code),
    createdByMemberId: params.memberId,
    expiresAt,
  });
  return { code, expiresAt };
}

/**
 * Spends a code atomically: the first redeemer gets the code and its community, everyone after
 * (and any expired or unknown code) gets undefined. Call inside the linking transaction.
 */
export async function redeemLinkCode(
  db: Queryable,
  params: { code: string; now: Date },
): Promise<{ id: string; communityId: string } | undefined> {
  const [row] = await db
    .update(spaceLinkCodes)
    .set({ usedAt: sql`${params.now.toISOString()}::timestamptz` })
    .where(
      and(
        eq(spaceLinkCodes.codeHash, hashCode(params.code)),
        isNull(spaceLinkCodes.usedAt),
        gt(spaceLinkCodes.expiresAt, params.now),
      ),
    )
    .returning({ id: spaceLinkCodes.id, communityId: spaceLinkCodes.communityId });
  return row;
}

/** Remembers which space a spent code linked, for the audit trail. */
export async function recordCodeSpace(db: Queryable, params: { codeId: string; spaceId: string }): Promise<void> {
  await db.update(spaceLinkCodes).set({ usedForSpaceId: params.spaceId }).where(eq(spaceLinkCodes.id, params.codeId));
}
