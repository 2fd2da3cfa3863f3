import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import { accessGrants, platformSpaces, productGrants } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';

/**
 * A Telegram group became a supergroup and got a new id (`migrate_to_chat_id`). The linked
 * space, the products that sell it and every member's grant move to the new id in one
 * transaction, so nobody loses access and the next removal can use ban + unban. Idempotent:
 * both service messages (old chat and new) may arrive, in either order.
 */
export async function migrateTelegramChat(deps: Pick<CoreDeps, 'db'>, change: { fromChatId: string; toChatId: string }): Promise<{ moved: boolean }> {
  return deps.db.transaction(async (tx) => {
    const [space] = await tx
      .update(platformSpaces)
      .set({ externalId: change.toChatId, kind: 'telegram_supergroup' })
      .where(and(eq(platformSpaces.platform, 'telegram'), eq(platformSpaces.externalId, change.fromChatId)))
      .returning({ id: platformSpaces.id, communityId: platformSpaces.communityId });
    if (!space) return { moved: false };
    const scope = (table: typeof productGrants | typeof accessGrants) => and(eq(table.communityId, space.communityId), eq(table.spaceId, space.id), eq(table.resourceId, change.fromChatId));
    await tx.update(productGrants).set({ resourceId: change.toChatId }).where(scope(productGrants));
    await tx.update(accessGrants).set({ resourceId: change.toChatId }).where(scope(accessGrants));
    await recordAudit(tx, { communityId: space.communityId, action: 'space.migrated', targetKind: 'space', targetId: space.id, details: change });
    return { moved: true };
  });
}
