import { bigint, index, jsonb, pgTable, uuid } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { communityRef } from './communities.ts';
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
