import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id, updatedAt } from './columns.ts';
import { platform, spaceKind } from './enums.ts';

/** Per-community switches; every key optional so old rows stay valid as features arrive. */
export type CommunitySettings = {
  /** Where staff take tickets over: a Discord text channel (private thread per ticket) and/or a Telegram forum supergroup (topic per ticket). */
  supportHandoff?: { discord?: { guildId: string; channelId: string; roleId?: string }; telegram?: { chatId: string } };
  /** Minutes staff have for a first reply before they are reminded (default FIRST_RESPONSE_MINUTES). */
  firstResponseMinutes?: number;
  /** Refund requests within this many days of payment are approved without a person (unset: off). */
  refundWindowDays?: number;
  digestWeekday?: number;
  /** Words no course may contain (checked before a course goes to review), lower-cased. */
  blockedWords?: string[];
  /** Lesson files: bytes per file and files per lesson (at most the defaults in core/files/upload-policy). */
  uploadLimits?: { maxBytes: number; maxFilesPerLesson: number };
  /** Days a member keeps access after a failed renewal (default GRACE_DAYS). */
  graceDays?: number;
  /** Discord: during grace the server's sold roles are swapped for this role (unset: the member keeps them). */
  graceRole?: { guildId: string; roleId: string };
  /** Telegram announcements to large audiences go out with `allow_paid_broadcast` (the bot's Stars pay). */
  paidBroadcast?: boolean;
  /** The community's own rate limits over core/safety's defaults (set with `/settings rate_limits:`). */
  rateLimits?: Partial<Record<'commands' | 'buttons' | 'creator' | 'announce' | 'joins', { points: number; seconds: number }>>;
};

/** A tenant: one creator business. Every tenant-owned row carries its `community_id`. */
export const communities = pgTable(
  'communities',
  {
    id: id(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    defaultLocale: text('default_locale').notNull().default('en'),
    defaultCurrency: text('default_currency').notNull().default('USD'),
    timezone: text('timezone').notNull().default('UTC'),
    settings: jsonb('settings').$type<CommunitySettings>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('communities_slug_format', sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{1,62}$'`),
    check('communities_currency_format', sql`${t.defaultCurrency} ~ '^[A-Z]{3}$'`),
  ],
);

/** The owning community of a tenant row; deleting a community deletes its rows. */
export const communityRef = () =>
  uuid('community_id')
    .notNull()
    .references(() => communities.id, { onDelete: 'cascade' });

/** Per-space settings, e.g. which Discord channel receives announcements. */
export type SpaceSettings = {
  announcementChannelId?: string;
  supportChannelId?: string;
};

/**
 * A Discord guild or Telegram group/channel linked to a community. A platform space belongs to
 * at most one community, which is how an incoming event finds its tenant.
 */
export const platformSpaces = pgTable(
  'platform_spaces',
  {
    id: id(),
    communityId: communityRef(),
    platform: platform('platform').notNull(),
    kind: spaceKind('kind').notNull(),
    externalId: text('external_id').notNull(),
    title: text('title').notNull().default(''),
    settings: jsonb('settings').$type<SpaceSettings>().notNull().default({}),
    linkedByMemberId: uuid('linked_by_member_id'),
    /** Discord: when the whole member list was last read; until it is stale, reconciliation trusts the observations. */
    membersListedAt: at('members_listed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('platform_spaces_platform_external_id_key').on(t.platform, t.externalId),
    unique('platform_spaces_id_community_key').on(t.id, t.communityId),
    index('platform_spaces_community_idx').on(t.communityId),
  ],
);

/**
 * One-time codes that link another Discord server or Telegram group to an existing community:
 * an owner runs /setup in a linked space to get one, an admin of the new space redeems it with
 * /setup there. Only the SHA-256 of the code is stored; it expires and works once.
 */
export const spaceLinkCodes = pgTable(
  'space_link_codes',
  {
    id: id(),
    communityId: communityRef(),
    codeHash: text('code_hash').notNull().unique(),
    createdByMemberId: uuid('created_by_member_id'),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    usedForSpaceId: uuid('used_for_space_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('space_link_codes_community_idx').on(t.communityId),
    check('space_link_codes_hash_format', sql`${t.codeHash} ~ '^[0-9a-f]{64}$'`),
  ],
);
