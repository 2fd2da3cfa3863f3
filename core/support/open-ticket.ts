import { and, desc, eq, inArray } from 'drizzle-orm';
import { shortId } from '../short-ids.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { recentOrders } from '../commerce/recent-orders.ts';
import { accessGrants, communities, entitlements, orders, products, supportConversations, supportMessages, supportTickets } from '../db/schema/index.ts';
import type { Queryable } from '../db/client.ts';
import type { CoreDeps } from '../deps.ts';
import { formatMoney } from '../format.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { addMessage, enqueueRelay, openConversation } from './conversations.ts';
import type { Intent } from './intents/corpus.ts';

/** Minutes staff have for a first reply before they are reminded, unless the community set its own. */
export const FIRST_RESPONSE_MINUTES = 240;
const RECENT_MESSAGES = 5;

/**
 * Hands a member's conversation to staff: it waits for a person, and one ticket per
 * conversation opens with a summary for staff (the intent, the member's recent messages, latest
 * orders, entitlements and access), which the relay posts in the staff thread or topic with a
 * Claim button. A refund request carries the order it is about, and inside the community's
 * refund window (when the creator enabled one) is approved at once. Asking again adds to the
 * same ticket; asking after a handback reopens it.
 */
export async function openTicket(deps: Pick<CoreDeps, 'db' | 'clock' | 'queue'>, actor: Actor, input: { intent: Intent }): Promise<Reply> {
  const now = deps.clock.now();
  const opened = await deps.db.transaction(async (tx) => {
    const conversation = await openConversation(tx, actor, now);
    const [settings] = await tx.select({ value: communities.settings }).from(communities).where(eq(communities.id, actor.communityId));
    await tx.update(supportConversations).set({ status: 'waiting', intent: input.intent }).where(and(eq(supportConversations.id, conversation.id), eq(supportConversations.status, 'assistant')));
    const [existing] = await tx.select({ id: supportTickets.id, status: supportTickets.status }).from(supportTickets).where(eq(supportTickets.conversationId, conversation.id));
    if (existing) {
      const reopened = conversation.status === 'assistant';
      if (reopened) await tx.update(supportTickets).set({ status: 'open' }).where(eq(supportTickets.id, existing.id));
      const note = reopened ? await addMessage(tx, conversation, { authorKind: 'system', kind: 'text', relayTo: 'staff', body: t('en', 'support.staff.askedAgain', { intent: input.intent }) }, now) : undefined;
      return { ticketId: existing.id, created: false, conversationId: conversation.id, messageId: note?.id, refund: undefined };
    }
    const order = input.intent === 'refund_request' ? await latestPaidOrder(tx, actor) : undefined;
    const minutes = settings?.value.firstResponseMinutes ?? FIRST_RESPONSE_MINUTES;
    const [ticket] = await tx
      .insert(supportTickets)
      .values({ communityId: actor.communityId, conversationId: conversation.id, memberId: actor.memberId, subject: await subjectOf(tx, conversation.id, input.intent), orderId: order?.id, slaDueAt: new Date(now.getTime() + minutes * 60_000), createdAt: now })
      .returning({ id: supportTickets.id });
    const windowDays = settings?.value.refundWindowDays;
    const refund = order && windowDays && order.paidAt && now.getTime() - order.paidAt.getTime() <= windowDays * 86_400_000 ? { order, windowDays } : undefined;
    const summary = await addMessage(tx, conversation, { authorKind: 'system', kind: 'summary', relayTo: 'staff', body: await summaryFor(tx, actor, conversation.id, input.intent, { ticketId: ticket!.id, autoRefund: Boolean(refund) }) }, now);
    if (refund) {
      await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'support.refund_auto_approved', targetKind: 'order', targetId: refund.order.id, details: { windowDays, ticketId: ticket!.id } });
    }
    return { ticketId: ticket!.id, created: true, conversationId: conversation.id, messageId: summary?.id, refund };
  });
  if (opened.messageId) await enqueueRelay(deps, opened.conversationId, opened.messageId);
  const ticket = shortId(opened.ticketId);
  if (opened.refund) {
    const { order, windowDays } = opened.refund;
    await deps.queue.enqueue('payments.refund-order', { orderId: order.id, reason: `refund window (${windowDays} days), ticket #${ticket}`, requestedBy: actor.memberId });
    return { body: t(actor.locale, 'support.refund.approved', { amount: formatMoney(actor.locale, order.amount, order.currency), product: order.product, days: windowDays, ticket }) };
  }
  return { body: t(actor.locale, opened.created ? 'support.ticket.opened' : 'support.ticket.added', { ticket }) };
}

/** The order a refund request is about: the member's latest paid one in this community. */
async function latestPaidOrder(tx: Queryable, actor: Actor) {
  const [order] = await tx
    .select({ id: orders.id, amount: orders.amount, currency: orders.currency, paidAt: orders.paidAt, product: products.name })
    .from(orders)
    .innerJoin(products, eq(products.id, orders.productId))
    .where(and(eq(orders.communityId, actor.communityId), eq(orders.memberId, actor.memberId), inArray(orders.status, ['paid', 'partially_refunded'])))
    .orderBy(desc(orders.paidAt))
    .limit(1);
  return order;
}

async function subjectOf(tx: Queryable, conversationId: string, intent: Intent): Promise<string> {
  const [latest] = await tx
    .select({ body: supportMessages.body })
    .from(supportMessages)
    .where(and(eq(supportMessages.conversationId, conversationId), eq(supportMessages.authorKind, 'member')))
    .orderBy(desc(supportMessages.seq))
    .limit(1);
  return `${intent}: ${(latest?.body ?? '').slice(0, 120)}`;
}

/** What staff see first: why the member wrote, what they said, and their money and access, in one message. */
async function summaryFor(tx: Queryable, actor: Actor, conversationId: string, intent: Intent, ticket: { ticketId: string; autoRefund: boolean }): Promise<string> {
  const mine = (table: typeof entitlements | typeof accessGrants) => and(eq(table.communityId, actor.communityId), eq(table.memberId, actor.memberId));
  const recent = await recentOrders(tx, actor);
  const owned = await tx.select({ product: products.name, status: entitlements.status }).from(entitlements).innerJoin(products, eq(products.id, entitlements.productId)).where(mine(entitlements));
  const grants = await tx.select({ kind: accessGrants.resourceKind, desired: accessGrants.desired, observed: accessGrants.observed, error: accessGrants.lastError }).from(accessGrants).where(mine(accessGrants));
  const said = await tx
    .select({ author: supportMessages.authorKind, body: supportMessages.body })
    .from(supportMessages)
    .where(and(eq(supportMessages.conversationId, conversationId), inArray(supportMessages.authorKind, ['member', 'assistant'])))
    .orderBy(desc(supportMessages.seq))
    .limit(RECENT_MESSAGES);
  return [
    `ticket #${shortId(ticket.ticketId)} · ${actor.platform} · intent: ${intent}${ticket.autoRefund ? ' · refund approved automatically (inside the refund window)' : ''}`,
    ...said.reverse().map((message) => `${message.author === 'member' ? '>' : 'bot:'} ${message.body.slice(0, 300)}`),
    `orders: ${recent.map((order) => `#${shortId(order.id)} ${order.product} ${formatMoney('en', order.amount, order.currency)} ${order.status} ${order.createdAt.toISOString().slice(0, 10)}`).join('; ') || 'none'}`,
    `entitlements: ${owned.map((row) => `${row.product} ${row.status}`).join('; ') || 'none'}`,
    `access: ${grants.map((grant) => `${grant.kind} ${grant.desired}/${grant.observed}${grant.error ? ` (${grant.error})` : ''}`).join('; ') || 'none'}`,
  ].join('\n');
}
