import { sql } from 'drizzle-orm';
import { check, foreignKey, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { courses } from './catalog.ts';
import { at, createdAt, id, updatedAt } from './columns.ts';
import { communityRef } from './communities.ts';
import { members } from './members.ts';

/** A live session's Discord scheduled event, per linked server. */
export type LiveEventRef = { guildId: string; eventId: string };

/**
 * A live session (a call, a stream, office hours): a Discord scheduled event in each linked
 * server, a post in the linked Telegram chats, and reminders to its audience (the course's owners,
 * or every member) an hour before and at the start, through the delivery ledger.
 */
export const liveSessions = pgTable(
  'live_sessions',
  {
    id: id(),
    communityId: communityRef(),
    title: text('title').notNull(),
    startsAt: at('starts_at').notNull(),
    /** Only the owners of this course are reminded; without it, every member. */
    courseId: uuid('course_id'),
    /** Where it happens: a link (external event), or a Discord voice or stage channel `<guild id>/<channel id>`. */
    link: text('link'),
    voiceChannel: text('voice_channel'),
    status: text('status').notNull().default('scheduled'),
    discordEvents: jsonb('discord_events').$type<LiveEventRef[]>().notNull().default([]),
    /** When the hour-before and the starting reminders were planned (each once). */
    remindedBeforeAt: at('reminded_before_at'),
    remindedStartAt: at('reminded_start_at'),
    createdByMemberId: uuid('created_by_member_id').references(() => members.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.courseId, t.communityId], foreignColumns: [courses.id, courses.communityId] }).onDelete('cascade'),
    check('live_sessions_status', sql`${t.status} in ('scheduled', 'canceled')`),
    index('live_sessions_due_idx').on(t.startsAt).where(sql`${t.status} = 'scheduled'`),
  ],
);
