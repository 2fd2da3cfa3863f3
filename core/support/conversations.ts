import { and, desc, eq, ne } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { type SupportMessageKind, supportConversations, supportMessages } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { Actor } from '../members/actor.ts';

/** An assistant-only conversation idle this long is over; the member's next message starts a new one (so metrics count conversations, not members). */
const IDLE_CONVERSATION_MS = 24 * 3_600_000;

export type Conversation = typeof supportConversations.$inferSelect;

/** The member's conversation that is not closed, locked for this transaction; an idle assistant-only one is closed first. */
async function currentConversation(tx: Queryable, actor: Pick<Actor, 'communityId' | 'memberId'>, now: Date): Promise<Conversation | undefined> {
  const [open] = await tx
    .select()
    .from(supportConversations)
    .where(and(eq(supportConversations.communityId, actor.communityId), eq(supportConversations.memberId, actor.memberId), ne(supportConversations.status, 'closed')))
    .orderBy(desc(supportConversations.lastMessageAt))
    .limit(1)
    .for('update');
  if (open?.status === 'assistant' && now.getTime() - open.lastMessageAt.getTime() > IDLE_CONVERSATION_MS) {
    await tx.update(supportConversations).set({ status: 'closed', closedAt: open.lastMessageAt }).where(eq(supportConversations.id, open.id));
    return undefined;
  }
  return open;
}

/** The member's open conversation, or a new one with the assistant, in the chat they wrote from. */
export async function openConversation(tx: Queryable, actor: Actor, now: Date): Promise<Conversation> {
  const open = await currentConversation(tx, actor, now);
  if (open) return open;
  const [created] = await tx
    .insert(supportConversations)
    .values({ communityId: actor.communityId, memberId: actor.memberId, platform: actor.platform, chatId: actor.platformUserId, locale: actor.locale, lastMessageAt: now, createdAt: now })
    .returning();
  return created!;
}

type NewSupportMessage = {
  authorKind: 'member' | 'assistant' | 'staff' | 'system';
  authorMemberId?: string | undefined;
  body: string;
  kind?: SupportMessageKind;
  /** Which side must receive it; unset: kept for the transcript only. */
  relayTo?: 'member' | 'staff' | undefined;
  platform?: Actor['platform'] | undefined;
  platformMessageId?: string | undefined;
};

/**
 * Stores one message of a conversation and touches the conversation. A platform message seen
 * before (a redelivered update) is not stored again: `undefined`.
 */
export async function addMessage(tx: Queryable, conversation: Pick<Conversation, 'id' | 'communityId'>, message: NewSupportMessage, now: Date): Promise<{ id: string } | undefined> {
  const [stored] = await tx
    .insert(supportMessages)
    .values({
      communityId: conversation.communityId,
      conversationId: conversation.id,
      authorKind: message.authorKind,
      authorMemberId: message.authorMemberId,
      body: message.body,
      kind: message.kind ?? 'text',
      relayTo: message.relayTo,
      platform: message.platform,
      platformMessageId: message.platformMessageId,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: supportMessages.id });
  if (stored) await tx.update(supportConversations).set({ lastMessageAt: now }).where(eq(supportConversations.id, conversation.id));
  return stored;
}

/** Queues the relay of a conversation's pending messages (one job per new message, so none waits on a running one). */
export function enqueueRelay(deps: Pick<CoreDeps, 'queue'>, conversationId: string, messageId: string): Promise<void> {
  return deps.queue.enqueue('support.relay', { conversationId, messageId });
}
