import { findProduct, type Product } from '../commerce/products.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import type { Actor } from '../members/actor.ts';
import { type FoundMember, findMember } from '../members/find-member.ts';
import { can } from '../members/rbac.ts';
import { err, ok, type Result } from '../result.ts';

/**
 * What /grant and /revoke act on: the creator's permission checked, then a member and a product
 * (archived ones too) of the creator's own community.
 */
export async function findCreatorTarget(
  deps: Pick<CoreDeps, 'db'>,
  actor: Actor,
  input: { member: string; product: string },
): Promise<Result<{ member: FoundMember; product: Product }, DomainError>> {
  if (!can(actor.role, 'commerce.manage')) return err({ code: 'forbidden', permission: 'commerce.manage' });
  const member = await findMember(deps.db, { communityId: actor.communityId, platform: actor.platform, ref: input.member });
  if (!member) return err({ code: 'member_not_found' });
  const product = await findProduct(deps.db, { communityId: actor.communityId, ref: input.product, includeArchived: true });
  if (!product) return err({ code: 'product_not_found' });
  return ok({ member, product });
}
