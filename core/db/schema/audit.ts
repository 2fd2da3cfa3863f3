import { bigint, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { communities } from './communities.ts';
import { actorKind, platform } from './enums.ts';
import { members } from './members.ts';

/**
 * Who did what privileged thing, when, to what. Written in the same transaction as the act.
 * Append-only: a trigger (migration 0023) refuses UPDATE, DELETE and TRUNCATE from any role.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    communityId: uuid('community_id').references(() => communities.id, { onDelete: 'cascade' }),
    actorKind: actorKind('actor_kind').notNull(),
    actorMemberId: uuid('actor_member_id').references(() => members.id, { onDelete: 'set null' }),
    /** The platform the actor acted from; null for acts of the system. */
    platform: platform('platform'),
    action: text('action').notNull(),
    targetKind: text('target_kind'),
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_community_idx').on(t.communityId, t.createdAt)],
);
