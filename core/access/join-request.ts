import { and, eq } from 'drizzle-orm';
import { accessGrants, communities, platformIdentities, platformSpaces, productGrants } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { t, toLocale } from '../i18n/index.ts';
import type { Caller } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { guardJoinDecline } from '../safety/guards.ts';

export type JoinDecision =
  /** Entitled: approve, and the grant is observed present. */
  | { verdict: 'approve' }
  /** Not entitled: decline, and tell the person how to get in. */
  | { verdict: 'decline'; reply: Reply; communitySlug: string }
  /** Not a chat Lyceum sells: leave the request to the chat's admins. */
  | { verdict: 'ignore' };

/**
 * A request to join a Telegram chat: approved only for a member whose access grant to that
 * chat is desired present (they paid and it has not ended), declined for everyone else in a
 * chat Lyceum manages, left alone in chats it does not. In a raid, declines go at the chat's
 * `joins` rate and the requests beyond it stay pending (for the admins, or Telegram's expiry);
 * a paying member is approved whatever the rate.
 */
export async function decideJoinRequest(deps: Pick<CoreDeps, 'db' | 'clock' | 'limits' | 'log'>, caller: Caller & { spaceId: string }): Promise<JoinDecision> {
  const [space] = await deps.db
    .select({ id: platformSpaces.id, communityId: platformSpaces.communityId, slug: communities.slug, name: communities.name })
    .from(platformSpaces)
    .innerJoin(communities, eq(communities.id, platformSpaces.communityId))
    .where(and(eq(platformSpaces.platform, 'telegram'), eq(platformSpaces.externalId, caller.spaceId)));
  if (!space) return { verdict: 'ignore' };
  const managed = await deps.db
    .select({ id: productGrants.id })
    .from(productGrants)
    .where(and(eq(productGrants.communityId, space.communityId), eq(productGrants.kind, 'telegram_chat'), eq(productGrants.resourceId, caller.spaceId)))
    .limit(1);
  if (!managed.length) return { verdict: 'ignore' };
  const [grant] = await deps.db
    .select({ id: accessGrants.id, desired: accessGrants.desired })
    .from(accessGrants)
    .innerJoin(platformIdentities, and(eq(platformIdentities.memberId, accessGrants.memberId), eq(platformIdentities.platform, 'telegram')))
    .where(
      and(
        eq(accessGrants.communityId, space.communityId),
        eq(accessGrants.resourceKind, 'telegram_chat'),
        eq(accessGrants.resourceId, caller.spaceId),
        eq(platformIdentities.platformUserId, caller.userId),
      ),
    );
  if (grant?.desired === 'present') {
    await deps.db.update(accessGrants).set({ observed: 'present', syncedAt: deps.clock.now(), lastError: null }).where(eq(accessGrants.id, grant.id));
    return { verdict: 'approve' };
  }
  const verdict = await guardJoinDecline(deps, space.communityId, { platform: 'telegram', id: caller.spaceId });
  if (!verdict.allowed) {
    if (verdict.told) deps.log.warn({ communityId: space.communityId, chatId: caller.spaceId }, 'join requests over the chat\'s rate: the rest of this window stay pending for its admins');
    return { verdict: 'ignore' };
  }
  const locale = toLocale(caller.locale) ?? 'en';
  return { verdict: 'decline', communitySlug: space.slug, reply: { body: t(locale, 'access.joinDeclined', { community: space.name }) } };
}
