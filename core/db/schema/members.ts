import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id, updatedAt } from './columns.ts';
import { communities, communityRef } from './communities.ts';
import { memberRole, membershipStatus, platform } from './enums.ts';

/**
 * A person, across platforms. Their Discord and Telegram accounts are `platform_identities`
 * pointing here, so one purchase can grant access on both. Tenant data hangs off `memberships`.
 */
export const members = pgTable('members', {
  id: id(),
  displayName: text('display_name').notNull(),
  locale: text('locale'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A member a row belongs to; `restrict` where money was involved, `cascade` elsewhere. */
export const memberRef = (onDelete: 'cascade' | 'restrict' = 'cascade') =>
  uuid('member_id')
    .notNull()
    .references(() => members.id, { onDelete });

/** One account on one platform. A platform user id maps to exactly one member. */
export const platformIdentities = pgTable(
  'platform_identities',
  {
    id: id(),
    memberId: memberRef(),
    platform: platform('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    username: text('username'),
    locale: text('locale'),
    /** The community a private chat (DM) with the bot talks about; chosen by /start or a guild. */
    activeCommunityId: uuid('active_community_id').references(() => communities.id, { onDelete: 'set null' }),
    lastSeenAt: at('last_seen_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('platform_identities_platform_user_key').on(t.platform, t.platformUserId),
    unique('platform_identities_member_platform_key').on(t.memberId, t.platform),
  ],
);

/** A member's standing in one community. RBAC reads `role` from here and nowhere else. */
export const memberships = pgTable(
  'memberships',
  {
    id: id(),
    communityId: communityRef(),
    memberId: memberRef(),
    role: memberRole('role').notNull().default('member'),
    status: membershipStatus('status').notNull().default('active'),
    digestOptOut: boolean('digest_opt_out').notNull().default(false),
    joinedAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('memberships_community_member_key').on(t.communityId, t.memberId),
    index('memberships_member_idx').on(t.memberId),
  ],
);

/**
 * One-time tokens for linking a second platform account to a member. Only the SHA-256 of the
 * token is stored; the token itself is shown once to its owner.
 */
export const linkTokens = pgTable(
  'link_tokens',
  {
    id: id(),
    communityId: communityRef(),
    memberId: uuid('member_id').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.memberId], foreignColumns: [members.id] }).onDelete('cascade'),
    check('link_tokens_hash_format', sql`${t.tokenHash} ~ '^[0-9a-f]{64}$'`),
  ],
);
