import { and, eq, ilike, or } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { members, memberships, platformIdentities } from '../db/schema/index.ts';
import type { Platform } from './actor.ts';

export type FoundMember = { memberId: string; displayName: string };

/**
 * A member of the community named the way a creator can on their platform: a platform user id
 * (what a Discord mention carries, a Telegram numeric id), `@username`, or an exact display
 * name. Only members of `communityId`; a name that fits several people finds none.
 */
export async function findMember(
  db: Queryable,
  params: { communityId: string; platform: Platform; ref: string },
): Promise<FoundMember | undefined> {
  const ref = params.ref.trim().replace(/^<@!?(\d+)>$/, '$1');
  const byIdentity = /^\d{3,25}$/.test(ref)
    ? eq(platformIdentities.platformUserId, ref)
    : ref.startsWith('@')
      ? ilike(platformIdentities.username, ref.slice(1).replace(/[%_\\]/g, '\\$&'))
      : undefined;
  const rows = await db
    .selectDistinct({ memberId: members.id, displayName: members.displayName })
    .from(memberships)
    .innerJoin(members, eq(members.id, memberships.memberId))
    .leftJoin(platformIdentities, and(eq(platformIdentities.memberId, members.id), eq(platformIdentities.platform, params.platform)))
    .where(and(eq(memberships.communityId, params.communityId), byIdentity ?? or(ilike(members.displayName, ref.replace(/[%_\\]/g, '\\$&')))))
    .limit(2);
  return rows.length === 1 ? rows[0] : undefined;
}
