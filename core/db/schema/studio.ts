import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgTable, smallint, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id, updatedAt } from './columns.ts';
import { courseLevel, platform, revisionStatus } from './enums.ts';
import { courses, lessons } from './catalog.ts';
import { memberRef, members } from './members.ts';

/**
 * The working copy of a course, what its authors edit and reviewers approve. Members keep seeing
 * the published course (`courses` and `lessons`) until a revision is approved and copied there.
 * At most one revision per course is open (draft or in review). `version` rises with every save of
 * the course's fields, so a save made from a stale form is refused instead of overwriting.
 */
export const courseRevisions = pgTable(
  'course_revisions',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    courseId: uuid('course_id').notNull(),
    number: integer('number').notNull(),
    status: revisionStatus('status').notNull().default('draft'),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    description: text('description').notNull().default(''),
    category: text('category').notNull(),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    level: courseLevel('level').notNull().default('beginner'),
    language: text('language').notNull().default('en'),
    coverFileId: uuid('cover_file_id'),
    version: integer('version').notNull().default(1),
    authorMemberId: uuid('author_member_id').references(() => members.id, { onDelete: 'set null' }),
    submittedAt: at('submitted_at'),
    reviewedAt: at('reviewed_at'),
    reviewerMemberId: uuid('reviewer_member_id').references(() => members.id, { onDelete: 'set null' }),
    /** The reviewer's last "request changes" comment, shown to the author until the next submission. */
    reviewComment: text('review_comment'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.courseId, t.communityId], foreignColumns: [courses.id, courses.communityId] }).onDelete('cascade'),
    unique('course_revisions_course_number_key').on(t.courseId, t.number),
    unique('course_revisions_id_community_key').on(t.id, t.communityId),
    uniqueIndex('course_revisions_one_open_idx').on(t.courseId).where(sql`status in ('draft', 'review')`),
    index('course_revisions_queue_idx').on(t.communityId, t.status, t.submittedAt),
  ],
);

/**
 * A lesson as a revision has it. `lesson_id` is the lesson's identity across revisions: the id
 * its published row has (or will have), so progress, comments and drip schedules survive edits.
 */
export const revisionLessons = pgTable(
  'revision_lessons',
  {
    revisionId: uuid('revision_id').notNull(),
    lessonId: uuid('lesson_id').notNull().defaultRandom(),
    communityId: uuid('community_id').notNull(),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    dripOffsetDays: integer('drip_offset_days').notNull().default(0),
    attachmentFileIds: uuid('attachment_file_ids').array().notNull().default(sql`'{}'::uuid[]`),
    version: integer('version').notNull().default(1),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.revisionId, t.communityId], foreignColumns: [courseRevisions.id, courseRevisions.communityId] }).onDelete('cascade'),
    unique('revision_lessons_pk').on(t.revisionId, t.lessonId),
    unique('revision_lessons_position_key').on(t.revisionId, t.position),
    check('revision_lessons_position_positive', sql`${t.position} >= 1`),
    check('revision_lessons_drip_offset_range', sql`${t.dripOffsetDays} between 0 and 3650`),
  ],
);

/** Which lessons a member finished. Opening is an event; finishing is a fact kept here. */
export const lessonProgress = pgTable(
  'lesson_progress',
  {
    communityId: uuid('community_id').notNull(),
    memberId: memberRef(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    completedAt: at('completed_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ columns: [t.lessonId, t.communityId], foreignColumns: [lessons.id, lessons.communityId] }).onDelete('cascade'),
    unique('lesson_progress_member_lesson_key').on(t.memberId, t.lessonId),
    index('lesson_progress_course_idx').on(t.communityId, t.memberId, t.courseId),
  ],
);

/** A member's 1-5 rating of a course they own, with an optional review; one per member and course. */
export const courseRatings = pgTable(
  'course_ratings',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    courseId: uuid('course_id').notNull(),
    memberId: memberRef(),
    score: smallint('score').notNull(),
    review: text('review').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.courseId, t.communityId], foreignColumns: [courses.id, courses.communityId] }).onDelete('cascade'),
    unique('course_ratings_member_course_key').on(t.courseId, t.memberId),
    check('course_ratings_score_range', sql`${t.score} between 1 and 5`),
    check('course_ratings_review_length', sql`char_length(${t.review}) <= 1000`),
  ],
);

/**
 * A comment on a lesson, written on any platform and shown on all. Hidden comments stay for the
 * audit trail but are never shown again; `reply_to_id` is the comment it answers (author, staff).
 */
export const lessonComments = pgTable(
  'lesson_comments',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    memberId: memberRef(),
    platform: platform('platform').notNull(),
    body: text('body').notNull(),
    replyToId: uuid('reply_to_id'),
    hiddenAt: at('hidden_at'),
    hiddenByMemberId: uuid('hidden_by_member_id').references(() => members.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.lessonId, t.communityId], foreignColumns: [lessons.id, lessons.communityId] }).onDelete('cascade'),
    foreignKey({ columns: [t.replyToId], foreignColumns: [t.id] }).onDelete('cascade'),
    index('lesson_comments_lesson_idx').on(t.lessonId, t.createdAt),
    check('lesson_comments_body_length', sql`char_length(${t.body}) between 1 and 1000`),
  ],
);

/**
 * A form being filled in step by step in a chat that has no modals (Telegram): which form, the
 * answers so far and the step reached. Kept in the database so a creator who wanders off and
 * comes back later continues where they stopped; one form per person and chat.
 */
export const chatForms = pgTable(
  'chat_forms',
  {
    platform: platform('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    chatId: text('chat_id').notNull(),
    /** The form as core described it (see core/reply.ts ReplyForm), its submit action encoded. */
    form: jsonb('form').$type<StoredForm>().notNull(),
    answers: jsonb('answers').$type<Record<string, string>>().notNull().default({}),
    step: integer('step').notNull().default(0),
    expiresAt: at('expires_at').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('chat_forms_person_chat_key').on(t.platform, t.platformUserId, t.chatId)],
);

export type StoredForm = {
  title: string;
  submit: string;
  inputs: Array<{ key: string; label: string; style: 'short' | 'paragraph' | 'file'; required: boolean; minLength?: number; maxLength: number; value?: string }>;
};
