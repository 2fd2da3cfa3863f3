import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { shortId } from '../short-ids.ts';
import { members, supportConversations, supportMessages, supportTickets } from '../db/schema/index.ts';
import type { Queryable } from '../db/client.ts';
import type { CoreDeps } from '../deps.ts';
import { type Locale, t, toLocale } from '../i18n/index.ts';
import type { Platform } from '../members/actor.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { addMessage, type Conversation } from './conversations.ts';
import { chooseHandoff, handoffSpaceOf, staffAccounts } from './handoff.ts';
import type { HandoffSpace } from './support-gateway.ts';

/** A send that started this long ago without being confirmed died with its worker: recorded, never repeated. */
export const STALE_RELAY_MS = 2 * 60_000;

type PendingMessage = typeof supportMessages.$inferSelect & { author: string | null };
type Delivery =
  | { to: 'staff'; platform: Platform; space: HandoffSpace; threadId: string; message: PendingMessage; ticketId: string | undefined }
  | { to: 'member'; platform: Platform; userId: string; locale: Locale; message: PendingMessage; conversationId: string };
type Step = { kind: 'done' } | { kind: 'busy' } | { kind: 'next' } | { kind: 'send'; delivery: Delivery };

type RelayDeps = Pick<CoreDeps, 'db' | 'clock' | 'log' | 'support'>;

/**
 * The support relay: delivers a conversation's pending messages to the side each is meant for,
 * one at a time in `seq` order, opening the ticket's thread or topic first when staff have none
 * yet. A message being sent by another job holds the rest back (that job carries on), so the
 * order holds under any number of workers. A failed send is retried by the queue; a member who
 * blocked the bot is told to staff instead. Returns how many messages went out.
 */
export async function relayConversation(deps: RelayDeps, conversationId: string): Promise<{ relayed: number }> {
  let relayed = 0;
  for (;;) {
    const step = await deps.db.transaction((tx) => nextStep(deps, tx, conversationId));
    if (step.kind === 'done' || step.kind === 'busy') return { relayed };
    if (step.kind === 'next') continue;
    const { delivery } = step;
    let outcome: { messageId: string } | { error: string };
    try {
      outcome = await send(deps, delivery);
    } catch (error) {
      await deps.db.update(supportMessages).set({ relayStartedAt: null }).where(eq(supportMessages.id, delivery.message.id));
      throw error;
    }
    const now = deps.clock.now();
    await deps.db.transaction(async (tx) => {
      await tx
        .update(supportMessages)
        .set('messageId' in outcome ? { relayedAt: now, relayedMessageId: outcome.messageId } : { relayError: outcome.error })
        .where(eq(supportMessages.id, delivery.message.id));
      if ('error' in outcome && delivery.to === 'member') await tellStaffUndelivered(tx, delivery, now);
    });
    if ('messageId' in outcome) relayed += 1;
    else deps.log.warn({ conversationId, messageId: delivery.message.id, reason: outcome.error }, 'support relay not delivered');
  }
}

async function nextStep(deps: RelayDeps, tx: Queryable, conversationId: string): Promise<Step> {
  const now = deps.clock.now();
  const [conversation] = await tx.select().from(supportConversations).where(eq(supportConversations.id, conversationId)).for('update');
  if (!conversation) return { kind: 'done' };
  const [message] = await tx
    .select({ message: supportMessages, author: members.displayName })
    .from(supportMessages)
    .leftJoin(members, eq(members.id, supportMessages.authorMemberId))
    .where(and(eq(supportMessages.conversationId, conversationId), sql`${supportMessages.relayTo} is not null`, isNull(supportMessages.relayedAt), isNull(supportMessages.relayError)))
    .orderBy(asc(supportMessages.seq))
    .limit(1);
  if (!message) return { kind: 'done' };
  const pending = { ...message.message, author: message.author };
  if (pending.relayStartedAt) {
    if (now.getTime() - pending.relayStartedAt.getTime() < STALE_RELAY_MS) return { kind: 'busy' };
    deps.log.warn({ conversationId, messageId: pending.id }, 'support relay died mid-send; not sending it again');
    await tx.update(supportMessages).set({ relayError: 'unconfirmed' }).where(eq(supportMessages.id, pending.id));
    return { kind: 'next' };
  }
  const delivery = pending.relayTo === 'member' ? toMember(conversation, pending) : await toStaff(deps, tx, conversation, pending);
  if (!delivery) {
    await tx.update(supportMessages).set({ relayError: 'no_staff_space' }).where(eq(supportMessages.id, pending.id));
    return { kind: 'next' };
  }
  await tx.update(supportMessages).set({ relayStartedAt: now }).where(eq(supportMessages.id, pending.id));
  return { kind: 'send', delivery };
}

function toMember(conversation: Conversation, message: PendingMessage): Delivery {
  return { to: 'member', platform: conversation.platform, userId: conversation.chatId, locale: toLocale(conversation.locale) ?? 'en', message, conversationId: conversation.id };
}

/** The ticket's thread or topic; opened now (under the conversation's lock, so once) if staff have none yet. */
async function toStaff(deps: RelayDeps, tx: Queryable, conversation: Conversation, message: PendingMessage): Promise<Delivery | undefined> {
  const [ticket] = await tx.select({ id: supportTickets.id }).from(supportTickets).where(eq(supportTickets.conversationId, conversation.id));
  if (conversation.handoffPlatform && conversation.handoffSpaceId && conversation.handoffThreadId) {
    const space = await handoffSpaceOf(tx, conversation.communityId, conversation.handoffPlatform, conversation.handoffSpaceId);
    return { to: 'staff', platform: conversation.handoffPlatform, space, threadId: conversation.handoffThreadId, message, ticketId: ticket?.id };
  }
  const gateways = deps.support?.gateways;
  const handoff = await chooseHandoff(tx, conversation.communityId, conversation.platform, gateways);
  if (!handoff) return undefined;
  const [member] = await tx.select({ name: members.displayName }).from(members).where(eq(members.id, conversation.memberId));
  const title = truncate(`#${shortId(ticket?.id ?? conversation.id)} · ${member?.name ?? '?'} · ${conversation.intent ?? 'support'}`, 100);
  const opened = await gateways![handoff.platform]!.openHandoff({ space: handoff.space, title, staffUserIds: await staffAccounts(tx, conversation.communityId, handoff.platform) });
  if ('blocked' in opened) {
    deps.log.warn({ conversationId: conversation.id, platform: handoff.platform, reason: opened.blocked }, 'support handoff could not be opened');
    return undefined;
  }
  await tx
    .update(supportConversations)
    .set({ handoffPlatform: handoff.platform, handoffSpaceId: handoff.space.spaceId, handoffThreadId: opened.threadId })
    .where(eq(supportConversations.id, conversation.id));
  return { to: 'staff', platform: handoff.platform, space: handoff.space, threadId: opened.threadId, message, ticketId: ticket?.id };
}

async function send(deps: RelayDeps, delivery: Delivery): Promise<{ messageId: string } | { error: string }> {
  const gateway = deps.support?.gateways?.[delivery.platform];
  if (!gateway) throw new Error(`no support gateway for ${delivery.platform} in this process`);
  if (delivery.to === 'member') {
    const sent = await gateway.postToMember({ userId: delivery.userId, reply: memberReply(delivery) });
    return 'unreachable' in sent ? { error: 'unreachable' } : sent;
  }
  const sent = await gateway.postToHandoff({ space: delivery.space, threadId: delivery.threadId, reply: staffReply(delivery), mention: delivery.message.kind === 'ping' || delivery.message.kind === 'summary' });
  return 'blocked' in sent ? { error: `blocked: ${sent.blocked}` } : sent;
}

/** What staff see: the member's words under their name; the summary with its Claim button. */
function staffReply(delivery: Extract<Delivery, { to: 'staff' }>): Reply {
  const { message } = delivery;
  const body = truncate(message.authorKind === 'member' ? `${message.author ?? '?'}: ${message.body}` : message.body, replyLimits.body);
  if (message.kind === 'summary' && delivery.ticketId) {
    return { body, actions: [{ buttons: [{ label: t('en', 'support.claim.button'), action: { type: 'support.claim', ticketId: delivery.ticketId }, style: 'primary' }] }] };
  }
  return { body };
}

/** What the member sees: staff words under the staff member's name; the rating question with 1-5. */
function memberReply(delivery: Extract<Delivery, { to: 'member' }>): Reply {
  const { message, locale } = delivery;
  const body = truncate(message.authorKind === 'staff' ? t(locale, 'support.relay.fromStaff', { name: message.author ?? '?', text: message.body }) : message.body, replyLimits.body);
  if (message.kind === 'rating_request') {
    const buttons = [1, 2, 3, 4, 5].map((score) => ({ label: '★'.repeat(score), action: { type: 'support.rate' as const, conversationId: delivery.conversationId, score } }));
    return { body, actions: [{ buttons }] };
  }
  return { body };
}

/** Staff learn in the thread that the member can no longer be reached (blocked the bot, DMs closed). */
async function tellStaffUndelivered(tx: Queryable, delivery: Extract<Delivery, { to: 'member' }>, now: Date): Promise<void> {
  const [conversation] = await tx.select({ communityId: supportConversations.communityId, handoff: supportConversations.handoffThreadId }).from(supportConversations).where(eq(supportConversations.id, delivery.conversationId));
  if (!conversation?.handoff) return;
  await addMessage(tx, { id: delivery.conversationId, communityId: conversation.communityId }, { authorKind: 'system', kind: 'undelivered', relayTo: 'staff', body: t('en', 'support.relay.undelivered') }, now);
}
