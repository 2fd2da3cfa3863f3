import { type SQL, sql } from 'drizzle-orm';
import {
  check,
  customType,
  doublePrecision,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { at, createdAt, id, updatedAt } from './columns.ts';
import { communityRef } from './communities.ts';
import { courseLevel, courseStatus } from './enums.ts';
import { memberRef, members } from './members.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * A course in a community's catalog. `search_vector` (full text: title, tags, category, summary;
 * simple + English configurations) and `search_text` (lower-cased text for trigram substring
 * search, which also finds Chinese words the text parser does not split) are maintained by
 * Postgres itself.
 */
export const courses = pgTable(
  'courses',
  {
    id: id(),
    communityId: communityRef(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    description: text('description').notNull().default(''),
    category: text('category').notNull(),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    level: courseLevel('level').notNull().default('beginner'),
    language: text('language').notNull().default('en'),
    status: courseStatus('status').notNull().default('draft'),
    /** A community file (an image) shown on the course card. */
    coverFileId: uuid('cover_file_id'),
    /** The number of the revision members see; 0 while the course was never published. */
    publishedRevision: integer('published_revision').notNull().default(0),
    authorMemberId: uuid('author_member_id').references(() => members.id, { onDelete: 'set null' }),
    publishedAt: at('published_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(
        (): SQL => sql`
          setweight(to_tsvector('simple', ${courses.title}), 'A') ||
          setweight(to_tsvector('english', ${courses.title}), 'A') ||
          setweight(array_to_tsvector(${courses.tags}), 'B') ||
          setweight(to_tsvector('simple', ${courses.category}), 'B') ||
          setweight(to_tsvector('english', ${courses.summary}), 'C')`,
      ),
    searchText: text('search_text')
      .notNull()
      .generatedAlwaysAs(
        (): SQL => sql`lower(${courses.title} || ' ' || ${courses.category} || ' ' || ${courses.summary})`,
      ),
  },
  (t) => [
    unique('courses_community_slug_key').on(t.communityId, t.slug),
    unique('courses_id_community_key').on(t.id, t.communityId),
    index('courses_listing_idx').on(t.communityId, t.status, t.category),
    index('courses_search_vector_idx').using('gin', t.searchVector),
    index('courses_search_text_trgm_idx').using('gin', t.searchText.op('gin_trgm_ops')),
    index('courses_title_trgm_idx').using('gin', t.title.op('gin_trgm_ops')),
    check('courses_slug_format', sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{0,79}$'`),
    check('courses_language_format', sql`${t.language} ~ '^[a-z]{2}(-[A-Za-z]{2,4})?$'`),
  ],
);

/** A lesson of a course. `drip_offset_days` counts from the member's enrollment start. */
export const lessons = pgTable(
  'lessons',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    courseId: uuid('course_id').notNull(),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    dripOffsetDays: integer('drip_offset_days').notNull().default(0),
    /** Community files (see community_files), sent with the lesson in this order. */
    attachmentFileIds: uuid('attachment_file_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.courseId, t.communityId], foreignColumns: [courses.id, courses.communityId] }).onDelete(
      'cascade',
    ),
    unique('lessons_course_position_key').on(t.courseId, t.position),
    unique('lessons_id_community_key').on(t.id, t.communityId),
    check('lessons_position_positive', sql`${t.position} >= 1`),
    check('lessons_drip_offset_range', sql`${t.dripOffsetDays} between 0 and 3650`),
  ],
);

/** A member's start on a course; drip lessons are keyed to `started_at` and stop while paused. */
export const enrollments = pgTable(
  'enrollments',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    memberId: memberRef(),
    courseId: uuid('course_id').notNull(),
    startedAt: at('started_at').notNull().defaultNow(),
    pausedAt: at('paused_at'),
    completedAt: at('completed_at'),
    /** The lesson the member opened last: "continue where you left off" on /my. */
    lastLessonId: uuid('last_lesson_id'),
    lastOpenedAt: at('last_opened_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.courseId, t.communityId], foreignColumns: [courses.id, courses.communityId] }).onDelete(
      'cascade',
    ),
    unique('enrollments_member_course_key').on(t.communityId, t.memberId, t.courseId),
  ],
);

/**
 * Derived popularity per course, refreshed by the `maintenance/refresh-course-stats` job from
 * behaviour events. Used to order the catalog and as the cold-start recommender signal.
 */
export const courseStats = pgTable(
  'course_stats',
  {
    courseId: uuid('course_id').primaryKey(),
    communityId: uuid('community_id').notNull(),
    views30d: integer('views_30d').notNull().default(0),
    enrollments30d: integer('enrollments_30d').notNull().default(0),
    purchases30d: integer('purchases_30d').notNull().default(0),
    popularity: doublePrecision('popularity').notNull().default(0),
    refreshedAt: at('refreshed_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ columns: [t.courseId, t.communityId], foreignColumns: [courses.id, courses.communityId] }).onDelete(
      'cascade',
    ),
    index('course_stats_popularity_idx').on(t.communityId, t.popularity),
  ],
);
