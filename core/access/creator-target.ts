import { findProduct, type Product } from '../commerce/products.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import type { Actor } from '../members/actor.ts';
import { type FoundMember, findMember } from '../members/find-member.ts';
import { can } from '../members/rbac.ts';
import { ensureIdentity } from '../members/resolve-actor.ts';
import { eq } from 'drizzle-orm';
import { memberships, platformIdentities } from '../db/schema/index.ts';
import { err, ok, type Result } from '../result.ts';

/** The platform's own facts about a user a creator picked (Discord's resolved user option). */
export type PickedUser = { username: string; displayName: string; bot: boolean };

/**
 * What /grant and /revoke act on: the creator's permission checked, then a member and a product
 * (archived ones too) of the creator's own community. `introduce`: a Discord user the creator
 * picked who never used the bot becomes a member first (a gift to someone new works).
 */
export async function findCreatorTarget(
  deps: Pick<CoreDeps, 'db'>,
  actor: Actor,
  input: { member: string; product: string; introduce?: PickedUser | undefined },
): Promise<Result<{ member: FoundMember; product: Product }, DomainError>> {
  if (!can(actor.role, 'commerce.manage')) return err({ code: 'forbidden', permission: 'commerce.manage' });
  const lookup = { communityId: actor.communityId, platform: actor.platform, ref: input.member };
  let member = await findMember(deps.db, lookup);
  if (!member && input.introduce && !input.introduce.bot && actor.platform === 'discord' && /^\d{17,20}$/.test(input.member)) {
    const identity = await ensureIdentity(deps.db, { platform: 'discord', userId: input.member, displayName: input.introduce.displayName, username: input.introduce.username });
    await deps.db.insert(memberships).values({ communityId: actor.communityId, memberId: identity.memberId }).onConflictDoNothing();
    // Their private messages to the bot belong to this community until they use another.
    if (!identity.activeCommunityId) await deps.db.update(platformIdentities).set({ activeCommunityId: actor.communityId }).where(eq(platformIdentities.id, identity.id));
    member = await findMember(deps.db, lookup);
  }
  if (!member) return err({ code: 'member_not_found' });
  const product = await findProduct(deps.db, { communityId: actor.communityId, ref: input.product, includeArchived: true });
  if (!product) return err({ code: 'product_not_found' });
  return ok({ member, product });
}
