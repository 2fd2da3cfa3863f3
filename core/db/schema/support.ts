import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, index, jsonb, pgTable, smallint, text, unique, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id, sealedText, updatedAt } from './columns.ts';
import { communityRef } from './communities.ts';
import { conversationStatus, messageAuthor, platform, ticketPriority, ticketStatus } from './enums.ts';
import { memberRef, members } from './members.ts';

/**
 * A member's support conversation. The assistant answers until it hands off; then staff claim it
 * and talk through a Discord private thread or Telegram forum topic (`handoff_*`), which may be
 * on another platform than the member's private chat.
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
    handoffPlatform: platform('handoff_platform'),
    /** Discord: the staff channel's guild; Telegram: the staff supergroup. */
    handoffSpaceId: text('handoff_space_id'),
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
    // A Telegram topic id is unique only within its group.
    unique('support_conversations_handoff_key').on(t.handoffPlatform, t.handoffSpaceId, t.handoffThreadId),
  ],
);

/** What a stored message is, which decides how a relay renders it (a summary has a Claim button). */
export const supportMessageKinds = ['text', 'clarify', 'summary', 'claimed', 'handed_back', 'closed', 'rating_request', 'ping', 'undelivered'] as const;
export type SupportMessageKind = (typeof supportMessageKinds)[number];

/**
 * Every message in a conversation, in both directions, in `seq` order. A platform message is
 * stored once (unique per conversation). `relay_to` says which side must receive it; the relay
 * marks `relay_started_at` before the platform call and `relayed_at` after, so a message is sent
 * at most once and a crash between the two is recorded (`relay_error = 'unconfirmed'`), not repeated.
 */
export const supportMessages = pgTable(
  'support_messages',
  {
    id: id(),
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    communityId: uuid('community_id').notNull(),
    conversationId: uuid('conversation_id').notNull(),
    kind: text('kind').$type<SupportMessageKind>().notNull().default('text'),
    relayTo: text('relay_to').$type<'member' | 'staff'>(),
    authorKind: messageAuthor('author_kind').notNull(),
    authorMemberId: uuid('author_member_id').references(() => members.id, { onDelete: 'set null' }),
    body: sealedText('support_messages', 'body').notNull(),
    platform: platform('platform'),
    platformMessageId: text('platform_message_id'),
    relayStartedAt: at('relay_started_at'),
    relayedAt: at('relayed_at'),
    relayedMessageId: text('relayed_message_id'),
    /** `unreachable` (the member blocked the bot), `no_staff_space`, `unconfirmed` (crash mid-send). */
    relayError: text('relay_error'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      columns: [t.conversationId, t.communityId],
      foreignColumns: [supportConversations.id, supportConversations.communityId],
    }).onDelete('cascade'),
    unique('support_messages_platform_message_key').on(t.conversationId, t.platform, t.platformMessageId),
    index('support_messages_conversation_idx').on(t.conversationId, t.seq),
    index('support_messages_pending_idx').on(t.conversationId, t.seq).where(sql`${t.relayTo} is not null and ${t.relayedAt} is null and ${t.relayError} is null`),
    check('support_messages_relay_to', sql`${t.relayTo} is null or ${t.relayTo} in ('member', 'staff')`),
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
    subject: sealedText('support_tickets', 'subject').notNull(),
    status: ticketStatus('status').notNull().default('open'),
    priority: ticketPriority('priority').notNull().default('normal'),
    slaDueAt: at('sla_due_at'),
    /** The first staff message to the member (time to first reply). */
    firstResponseAt: at('first_response_at'),
    /** When staff were reminded that the first-response target passed (once). */
    pingedAt: at('pinged_at'),
    /** The order a refund request is about, attached when the ticket opens. */
    orderId: uuid('order_id'),
    resolution: sealedText('support_tickets', 'resolution'),
    /** The whole conversation as text, written when the ticket closes. */
    transcript: sealedText('support_tickets', 'transcript'),
    closedByMemberId: uuid('closed_by_member_id').references(() => members.id, { onDelete: 'set null' }),
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

/**
 * The creator's FAQ: matched against a member's message before anything escalates. Each entry
 * has its question and answer in English and/or Chinese; a member gets their language's answer.
 */
export const supportFaqs = pgTable(
  'support_faqs',
  {
    id: id(),
    communityId: communityRef(),
    /** What members ask, per locale (`en`, `zh`), as the creator wrote it. */
    questions: jsonb('questions').$type<Partial<Record<'en' | 'zh', string>>>().notNull(),
    answers: jsonb('answers').$type<Partial<Record<'en' | 'zh', string>>>().notNull(),
    createdByMemberId: uuid('created_by_member_id').references(() => members.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('support_faqs_community_idx').on(t.communityId)],
);
