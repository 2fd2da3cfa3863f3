import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
import type { Reply, ReplyFile } from '../../reply.ts';
import type { NotificationKind } from '../../delivery/notification-kinds.ts';
import { lessons } from './catalog.ts';
import { at, createdAt, id, updatedAt } from './columns.ts';
import { communityRef } from './communities.ts';
import { announcementStatus, deliveryKind, deliveryStatus, deliveryTarget, platform } from './enums.ts';
import { members } from './members.ts';

/**
 * Who an announcement goes to: every member, the holders of a product or course, members in
 * grace, or lapsed members (held access once, hold none now); optionally on one platform only.
 */
export type Audience = {
  segment?: 'everyone' | 'owners' | 'grace' | 'lapsed';
  productId?: string;
  courseId?: string;
  platform?: 'discord' | 'telegram' | 'console';
};

/** Where an announcement's progress is shown and edited: the creator's confirmation message, or one the engine sends them. */
export type ProgressMessage = { platform: 'discord' | 'telegram' | 'console'; chatId: string; messageId?: string; locale: 'en' | 'zh' };

/** A creator's message to the community, sent by the broadcast planner. */
export const announcements = pgTable(
  'announcements',
  {
    id: id(),
    communityId: communityRef(),
    authorMemberId: uuid('author_member_id').references(() => members.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    status: announcementStatus('status').notNull().default('draft'),
    audience: jsonb('audience').$type<Audience>().notNull().default({}),
    /** An image or file sent with the text. */
    file: jsonb('file').$type<ReplyFile>(),
    /** Telegram: send with `allow_paid_broadcast` (faster, 0.1 Star a message from the bot's balance). */
    paidBroadcast: boolean('paid_broadcast').notNull().default(false),
    scheduledAt: at('scheduled_at'),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    /** Why the engine paused it (Discord refusing too many requests), for the creator. */
    pausedReason: text('paused_reason'),
    progress: jsonb('progress').$type<ProgressMessage>(),
    /** When the progress message was last edited: edits are spaced a few seconds apart. */
    progressAt: at('progress_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('announcements_id_community_key').on(t.id, t.communityId),
    index('announcements_community_idx').on(t.communityId, t.status),
  ],
);

/**
 * The per-recipient ledger for every outbound message (announcement, drip lesson, digest, DM).
 * `dedupe_key` is unique per community, so a message is planned once per target whatever the
 * retries; `status` and `platform_message_id` record what actually happened.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: id(),
    communityId: communityRef(),
    kind: deliveryKind('kind').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    announcementId: uuid('announcement_id'),
    lessonId: uuid('lesson_id'),
    memberId: uuid('member_id').references(() => members.id, { onDelete: 'cascade' }),
    platform: platform('platform').notNull(),
    targetKind: deliveryTarget('target_kind').notNull(),
    targetId: text('target_id').notNull(),
    status: deliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** What to send when it is not an announcement's or a lesson's text: a Reply, as core wrote it. */
    payload: jsonb('payload').$type<Reply>(),
    /** Set when the platform call starts; with no `sent_at` after it, the call's outcome is unknown. */
    startedAt: at('started_at'),
    /** Which job run claimed the row: the same job run again (its worker died) knows its own claim. */
    claimToken: text('claim_token'),
    /** `sent` without the platform's confirmation (the worker died mid-call): never sent again. */
    unconfirmed: boolean('unconfirmed').notNull().default(false),
    platformMessageId: text('platform_message_id'),
    scheduledAt: at('scheduled_at').notNull().defaultNow(),
    sentAt: at('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      columns: [t.announcementId, t.communityId],
      foreignColumns: [announcements.id, announcements.communityId],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.lessonId, t.communityId], foreignColumns: [lessons.id, lessons.communityId] }).onDelete(
      'cascade',
    ),
    unique('deliveries_community_dedupe_key').on(t.communityId, t.dedupeKey),
    index('deliveries_pending_idx').on(t.scheduledAt).where(sql`${t.status} = 'pending'`),
    index('deliveries_announcement_idx').on(t.announcementId, t.status),
  ],
);

/**
 * Recipients a platform refused for good (blocked the bot, deactivated, never pressed Start, DMs
 * closed): later sends to them are skipped, not tried, and counted. A member who comes back
 * (presses Start again) is removed from here by the adapter that sees it.
 */
export const unreachableTargets = pgTable(
  'unreachable_targets',
  {
    platform: platform('platform').notNull(),
    targetId: text('target_id').notNull(),
    reason: text('reason').notNull(),
    since: at('since').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.targetId] })],
);

/**
 * When each dripped lesson opens for each member, fixed when it is scheduled: a later change of
 * the course's drip days never re-locks what a member already has, and a trial turning paid
 * (a new entitlement) does not restart the clock. `released_at`: the member was told.
 */
export const dripReleases = pgTable(
  'drip_releases',
  {
    communityId: uuid('community_id').notNull(),
    memberId: uuid('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    releaseAt: at('release_at').notNull(),
    releasedAt: at('released_at'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.lessonId] }),
    foreignKey({ columns: [t.lessonId, t.communityId], foreignColumns: [lessons.id, lessons.communityId] }).onDelete('cascade'),
    index('drip_releases_due_idx').on(t.releaseAt).where(sql`${t.releasedAt} is null`),
  ],
);

/** What a member does not want to receive: a kind of message, on one platform or on all. Billing and access messages are not listed: they always go. */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    communityId: uuid('community_id').notNull(),
    memberId: uuid('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<NotificationKind>().notNull(),
    /** `all`, `discord` or `telegram`. */
    platform: text('platform').$type<'all' | 'discord' | 'telegram'>().notNull(),
    enabled: boolean('enabled').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.memberId, t.kind, t.platform] })],
);
