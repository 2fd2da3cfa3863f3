import { doublePrecision, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt } from './columns.ts';
import { communities, communityRef } from './communities.ts';
import { courses } from './catalog.ts';
import { members } from './members.ts';

/** Why a course is recommended: a course of the member's that leads to it, or popularity. */
export type RecommendationReason = 'finished' | 'took' | 'similar' | 'popular_category' | 'popular';

/**
 * Each member's best courses as the last training run ranked them (more than one page, so
 * what the member buys or ignores afterwards can be left out at read time). Replaced per
 * community by each run.
 */
export const recommendations = pgTable(
  'recommendations',
  {
    communityId: communityRef(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull(),
    rank: integer('rank').notNull(),
    reason: text('reason').$type<RecommendationReason>().notNull(),
    /** The member's course the reason names ("because you finished …"). */
    reasonCourseId: uuid('reason_course_id'),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.memberId, t.courseId] }),
    index('recommendations_member_rank_idx').on(t.communityId, t.memberId, t.rank),
    foreignKey({ columns: [t.courseId, t.communityId], foreignColumns: [courses.id, courses.communityId] }).onDelete('cascade'),
  ],
);

/** Per course, the courses most like it (collaborative and content together): "similar courses" on its card. */
export const similarCourses = pgTable(
  'similar_courses',
  {
    communityId: communityRef(),
    courseId: uuid('course_id').notNull(),
    similarCourseId: uuid('similar_course_id').notNull(),
    rank: integer('rank').notNull(),
    score: doublePrecision('score').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.courseId, t.similarCourseId] }),
    index('similar_courses_rank_idx').on(t.courseId, t.rank),
    foreignKey({ columns: [t.courseId, t.communityId], foreignColumns: [courses.id, courses.communityId] }).onDelete('cascade'),
    foreignKey({ columns: [t.similarCourseId, t.communityId], foreignColumns: [courses.id, courses.communityId] }).onDelete('cascade'),
  ],
);

/**
 * How often a member was shown a recommended course and whether they acted on it: a course
 * shown three times and never opened is not recommended again.
 */
export const recommendationImpressions = pgTable(
  'recommendation_impressions',
  {
    communityId: communityRef(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull(),
    shown: integer('shown').notNull().default(0),
    lastShownAt: at('last_shown_at').notNull().defaultNow(),
    clickedAt: at('clicked_at'),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.memberId, t.courseId] })],
);

/** One training run per row: what it learned on, the parameters it chose, how it scored on validation. */
export const recommenderRuns = pgTable(
  'recommender_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id, { onDelete: 'cascade' }),
    members: integer('members').notNull(),
    courses: integer('courses').notNull(),
    interactions: integer('interactions').notNull(),
    params: jsonb('params').$type<Record<string, number>>().notNull(),
    validationRecall: doublePrecision('validation_recall'),
    durationMs: integer('duration_ms').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('recommender_runs_community_idx').on(t.communityId, t.createdAt)],
);
