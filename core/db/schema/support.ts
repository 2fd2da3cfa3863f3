import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgTable, smallint, text, unique, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id, updatedAt } from './columns.ts';
import { communityRef } from './communities.ts';
import { conversationStatus, messageAuthor, platform, ticketPriority, ticketStatus } from './enums.ts';
import { memberRef, members } from './members.ts';

/**
 * A member's support conversation. The assistant answers until it hands off; then staff claim it
 * and talk through a Discord thread or Telegram forum topic (`handoff_thread_id`).
 */
export const supportConversations = pgTable(
  'support_conversations',
  {
    id: id(),
    communityId: communityRef(),
    memberId: memberRef(),
    platform: platform('platform').notNull(),
    chatId: text('chat_id').notNull(),
    status: conversationStatus('status').notNull().default('assistant'),
    intent: text('intent'),
    locale: text('locale').notNull().default('en'),
    assigneeMemberId: uuid('assignee_member_id').references(() => members.id, { onDelete: 'set null' }),
    handoffThreadId: text('handoff_thread_id'),
    claimedAt: at('claimed_at'),
    closedAt: at('closed_at'),
    csatScore: smallint('csat_score'),
    lastMessageAt: at('last_message_at').notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('support_conversations_id_community_key').on(t.id, t.communityId),
    index('support_conversations_queue_idx').on(t.communityId, t.status, t.lastMessageAt),
    index('support_conversations_member_idx').on(t.communityId, t.memberId),
    check('support_conversations_csat_range', sql`${t.csatScore} is null or ${t.csatScore} between 1 and 5`),
  ],
);

/**
 * Every message in a conversation, in both directions. A platform message is stored once
 * (unique per conversation), and `relayed_at` records that it reached the other side.
 */
export const supportMessages = pgTable(
  'support_messages',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    conversationId: uuid('conversation_id').notNull(),
    authorKind: messageAuthor('author_kind').notNull(),
    authorMemberId: uuid('author_member_id').references(() => members.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    platform: platform('platform'),
    platformMessageId: text('platform_message_id'),
    relayedAt: at('relayed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      columns: [t.conversationId, t.communityId],
      foreignColumns: [supportConversations.id, supportConversations.communityId],
    }).onDelete('cascade'),
    unique('support_messages_platform_message_key').on(t.conversationId, t.platform, t.platformMessageId),
    index('support_messages_conversation_idx').on(t.conversationId, t.createdAt),
  ],
);

/** A staff-facing case opened from a conversation, with an SLA due time. */
export const supportTickets = pgTable(
  'support_tickets',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    conversationId: uuid('conversation_id').notNull(),
    memberId: memberRef(),
    subject: text('subject').notNull(),
    status: ticketStatus('status').notNull().default('open'),
    priority: ticketPriority('priority').notNull().default('normal'),
    slaDueAt: at('sla_due_at'),
    resolvedAt: at('resolved_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      columns: [t.conversationId, t.communityId],
      foreignColumns: [supportConversations.id, supportConversations.communityId],
    }).onDelete('cascade'),
    unique('support_tickets_conversation_key').on(t.conversationId),
    index('support_tickets_queue_idx').on(t.communityId, t.status, t.slaDueAt),
  ],
);
