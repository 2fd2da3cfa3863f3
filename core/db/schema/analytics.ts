import { bigint, date, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { communities, communityRef } from './communities.ts';
import { behaviourKind } from './enums.ts';
import { members } from './members.ts';

/**
 * Append-only behaviour events (views, searches, purchases, lesson progress, digest clicks):
 * the input of /stats, popularity and the recommender. Never updated in place.
 */
export const behaviourEvents = pgTable(
  'behaviour_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    communityId: communityRef(),
    memberId: uuid('member_id').references(() => members.id, { onDelete: 'set null' }),
    kind: behaviourKind('kind').notNull(),
    courseId: uuid('course_id'),
    lessonId: uuid('lesson_id'),
    deliveryId: uuid('delivery_id'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: at('occurred_at').notNull().defaultNow(),
  },
  (t) => [
    index('behaviour_events_community_kind_idx').on(t.communityId, t.kind, t.occurredAt),
    index('behaviour_events_member_idx').on(t.communityId, t.memberId, t.occurredAt),
    index('behaviour_events_course_idx').on(t.courseId, t.kind),
  ],
);

/**
 * Money per community, day (in the community's time zone) and currency, from the ledger; kept
 * by `analytics.refresh-rollups`, which recomputes only the days that received new ledger rows.
 */
export const dailyRevenue = pgTable(
  'analytics_daily_revenue',
  {
    communityId: uuid('community_id').notNull().references(() => communities.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    charges: integer('charges').notNull(),
    gross: bigint('gross', { mode: 'number' }).notNull(),
    refunds: bigint('refunds', { mode: 'number' }).notNull(),
    disputes: bigint('disputes', { mode: 'number' }).notNull(),
    disputesWon: bigint('disputes_won', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.day, t.currency] })],
);

/** Who was active on which day (a behaviour event of their own, see ACTIVE_KINDS), one row per member and day. */
export const dailyActive = pgTable(
  'analytics_daily_active',
  {
    communityId: uuid('community_id').notNull().references(() => communities.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    memberId: uuid('member_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.day, t.memberId] })],
);

/** How far each rollup has read its source (ledger `created_at`, behaviour event id). */
export const rollupWatermarks = pgTable('analytics_rollup_watermarks', {
  rollup: text('rollup').primaryKey(),
  ledgerCreatedAt: at('ledger_created_at'),
  behaviourEventId: bigint('behaviour_event_id', { mode: 'number' }),
  refreshedAt: at('refreshed_at'),
});
