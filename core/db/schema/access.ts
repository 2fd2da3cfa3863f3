import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id, updatedAt } from './columns.ts';
import { communities, platformSpaces } from './communities.ts';
import { accessDesired, accessEndAction, accessObserved, accessResource } from './enums.ts';
import { memberRef } from './members.ts';

/**
 * Access on a platform resource as a reconciled projection: `desired` follows entitlements,
 * `observed` is what the platform last reported or confirmed. The access worker converges them
 * and records attempts and the last error, so a stuck grant is visible and explainable.
 */
export const accessGrants = pgTable(
  'access_grants',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    memberId: memberRef(),
    spaceId: uuid('space_id').notNull(),
    resourceKind: accessResource('resource_kind').notNull(),
    resourceId: text('resource_id').notNull(),
    desired: accessDesired('desired').notNull(),
    observed: accessObserved('observed').notNull().default('unknown'),
    /** Why the desired state is what it is, e.g. the entitlement id or "refunded". */
    reason: text('reason').notNull().default(''),
    inviteLink: text('invite_link'),
    inviteExpiresAt: at('invite_expires_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /**
     * How the access ends when `desired` turned absent, from the product whose entitlement ended:
     * `kick` also removes the member from the Discord server, `keep` leaves the platform as it is.
     */
    endAction: accessEndAction('end_action'),
    /** Set when the platform refused for good (a missing permission): no retries until `/access retry`. */
    blockedAt: at('blocked_at'),
    lastAttemptAt: at('last_attempt_at'),
    syncedAt: at('synced_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      columns: [t.spaceId, t.communityId],
      foreignColumns: [platformSpaces.id, platformSpaces.communityId],
    }).onDelete('cascade'),
    unique('access_grants_member_resource_key').on(t.communityId, t.memberId, t.resourceKind, t.resourceId),
    index('access_grants_unsynced_idx')
      .on(t.communityId, t.updatedAt)
      .where(
        sql`(${t.desired} = 'present' and ${t.observed} <> 'present') or (${t.desired} = 'absent' and ${t.observed} <> 'absent')`,
      ),
    check('access_grants_attempts_non_negative', sql`${t.attempts} >= 0`),
  ],
);

/**
 * Problems a community's creators were told about, once per cause (not once per member): a row
 * exists while the alert stands, and is dropped when `/access retry` clears the cause.
 */
export const communityAlerts = pgTable(
  'community_alerts',
  {
    id: id(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id, { onDelete: 'cascade' }),
    /** What went wrong where, e.g. `discord-role/<guild>/<role>`: one alert per key. */
    key: text('key').notNull(),
    message: text('message').notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('community_alerts_key').on(t.communityId, t.key)],
);

/**
 * What a platform last said about one user in one space, so reconciliation asks again only when
 * it is stale: Discord's member list and the roles each holds (kept current by the gateway's
 * member events), Telegram's getChatMember status (kept current by chat_member updates).
 */
export const platformObservations = pgTable(
  'platform_observations',
  {
    communityId: uuid('community_id').notNull(),
    spaceId: uuid('space_id').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    present: boolean('present').notNull(),
    /** Discord: every role id the member holds. */
    roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
    /** Telegram: creator, administrator, member, restricted, left or kicked. */
    status: text('status'),
    observedAt: at('observed_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.spaceId, t.platformUserId] }),
    foreignKey({
      columns: [t.spaceId, t.communityId],
      foreignColumns: [platformSpaces.id, platformSpaces.communityId],
    }).onDelete('cascade'),
  ],
);
