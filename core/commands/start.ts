import { eq } from 'drizzle-orm';
import type { BuyDeps } from '../commerce/buy-product.ts';
import { coupons } from '../db/schema/index.ts';
import { markReachable } from '../delivery/reachable.ts';
import { couponIdFromStartPayload } from '../growth/coupons.ts';
import { redeemCoupon } from '../growth/redeem-coupon.ts';
import { findCommunityBySlug } from '../communities/spaces.ts';
import type { DomainError } from '../errors.ts';
import { t, toLocale } from '../i18n/index.ts';
import type { Caller } from '../members/actor.ts';
import { resolveActor, setActiveCommunity } from '../members/resolve-actor.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { showHelp } from './help.ts';

/** Deep-link payloads are community slugs (Telegram allows A-Z, a-z, 0-9, _ and -, up to 64). */
const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * Opening a private chat with the bot, e.g. from `https://t.me/<bot>?start=<community-slug>`:
 * the payload picks the community the chat is about; without one the last community is kept.
 * Answers with a welcome and the help for that community. A coupon's link (`?start=cp…`) opens
 * its community and goes straight to checkout with the code applied.
 */
export async function startPrivateChat(
  deps: BuyDeps,
  caller: Caller,
  payload: string | undefined,
): Promise<Result<Reply, DomainError>> {
  await markReachable(deps.db, caller.platform, caller.userId);
  const couponId = payload ? couponIdFromStartPayload(payload) : undefined;
  if (couponId) {
    const [coupon] = await deps.db.select({ communityId: coupons.communityId }).from(coupons).where(eq(coupons.id, couponId));
    if (!coupon) return err({ code: 'coupon_refused', reason: 'unknown' });
    await setActiveCommunity(deps.db, caller, coupon.communityId);
    const resolved = await resolveActor(deps, caller);
    return resolved.ok ? redeemCoupon(deps, resolved.value, couponId) : resolved;
  }
  if (payload && SLUG.test(payload)) {
    const community = await findCommunityBySlug(deps.db, payload);
    if (!community) return err({ code: 'community_not_found' });
    await setActiveCommunity(deps.db, caller, community.id);
  }
  const resolved = await resolveActor(deps, caller);
  if (!resolved.ok) {
    if (resolved.error.code !== 'no_active_community') return resolved;
    return ok({ body: t(toLocale(caller.locale) ?? 'en', 'start.needCommunity') });
  }
  const help = await showHelp(resolved.value);
  if (!help.ok) return help;
  return ok({ ...help.value, title: t(resolved.value.locale, 'start.welcome', { community: resolved.value.communityName }), ephemeral: false });
}
