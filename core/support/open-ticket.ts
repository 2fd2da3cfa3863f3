import { and, desc, eq, ne } from 'drizzle-orm';
import { recentOrders } from '../commerce/recent-orders.ts';
import { accessGrants, entitlements, products, supportConversations, supportMessages, supportTickets } from '../db/schema/index.ts';
import type { Queryable } from '../db/client.ts';
import type { CoreDeps } from '../deps.ts';
import { formatMoney } from '../format.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import type { Intent } from './intents/corpus.ts';

/** How long staff have for a first reply before the ticket counts as late. */
export const FIRST_RESPONSE_MS = 4 * 3_600_000;

/**
 * Hands a member's message to staff: their open conversation (or a new one) waits for a
 * person, the message is kept, and one ticket per conversation carries a summary for staff: the
 * intent, the member's latest orders, entitlements and access. Asking twice adds the message to
 * the same ticket.
 */
export async function openTicket(deps: Pick<CoreDeps, 'db' | 'clock'>, actor: Actor, input: { intent: Intent; text: string }): Promise<Reply> {
  const now = deps.clock.now();
  const ticket = await deps.db.transaction(async (tx) => {
    const [open] = await tx
      .select({ id: supportConversations.id })
      .from(supportConversations)
      .where(and(eq(supportConversations.communityId, actor.communityId), eq(supportConversations.memberId, actor.memberId), ne(supportConversations.status, 'closed')))
      .orderBy(desc(supportConversations.lastMessageAt))
      .limit(1);
    const conversationId =
      open?.id ??
      (await tx
        .insert(supportConversations)
        .values({ communityId: actor.communityId, memberId: actor.memberId, platform: actor.platform, chatId: actor.platformUserId, status: 'waiting', intent: input.intent, locale: actor.locale, lastMessageAt: now, createdAt: now })
        .returning({ id: supportConversations.id }))[0]!.id;
    await tx.update(supportConversations).set({ status: 'waiting', intent: input.intent, lastMessageAt: now }).where(and(eq(supportConversations.id, conversationId), eq(supportConversations.status, 'assistant')));
    await tx.insert(supportMessages).values({ communityId: actor.communityId, conversationId, authorKind: 'member', authorMemberId: actor.memberId, body: input.text, platform: actor.platform });
    const [existing] = await tx.select({ id: supportTickets.id }).from(supportTickets).where(eq(supportTickets.conversationId, conversationId));
    if (existing) return { id: existing.id, created: false };
    const [created] = await tx
      .insert(supportTickets)
      .values({ communityId: actor.communityId, conversationId, memberId: actor.memberId, subject: `${input.intent}: ${input.text.slice(0, 120)}`, slaDueAt: new Date(now.getTime() + FIRST_RESPONSE_MS), createdAt: now })
      .returning({ id: supportTickets.id });
    await tx.insert(supportMessages).values({ communityId: actor.communityId, conversationId, authorKind: 'system', body: await summaryFor(tx, actor, input.intent) });
    return { id: created!.id, created: true };
  });
  return { body: t(actor.locale, ticket.created ? 'support.ticket.opened' : 'support.ticket.added', { ticket: ticket.id.slice(0, 8) }) };
}

/** What staff see first: why the member wrote, and their money and access, in one message. */
async function summaryFor(tx: Queryable, actor: Actor, intent: Intent): Promise<string> {
  const mine = (table: typeof entitlements | typeof accessGrants) => and(eq(table.communityId, actor.communityId), eq(table.memberId, actor.memberId));
  const recent = await recentOrders(tx, actor);
  const owned = await tx.select({ product: products.name, status: entitlements.status }).from(entitlements).innerJoin(products, eq(products.id, entitlements.productId)).where(mine(entitlements));
  const grants = await tx.select({ kind: accessGrants.resourceKind, desired: accessGrants.desired, observed: accessGrants.observed, error: accessGrants.lastError }).from(accessGrants).where(mine(accessGrants));
  return [
    `intent: ${intent}`,
    `orders: ${recent.map((order) => `#${order.id.slice(0, 8)} ${order.product} ${formatMoney('en', order.amount, order.currency)} ${order.status} ${order.createdAt.toISOString().slice(0, 10)}`).join('; ') || 'none'}`,
    `entitlements: ${owned.map((row) => `${row.product} ${row.status}`).join('; ') || 'none'}`,
    `access: ${grants.map((grant) => `${grant.kind} ${grant.desired}/${grant.observed}${grant.error ? ` (${grant.error})` : ''}`).join('; ') || 'none'}`,
  ].join('\n');
}
