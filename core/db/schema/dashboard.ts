import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { at, createdAt } from './columns.ts';
import { communityRef } from './communities.ts';
import { memberRef } from './members.ts';

/**
 * A one-time sign-in link to the creator dashboard, made by `/dashboard`: only the SHA-256 of
 * its token is kept, it opens one session once, and it expires within minutes.
 */
export const dashboardLinks = pgTable(
  'dashboard_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    communityId: communityRef(),
    memberId: memberRef(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('dashboard_links_member_idx').on(t.communityId, t.memberId)],
);

/**
 * A signed-in dashboard, for one community and one member: the cookie holds a random token whose
 * SHA-256 is the key. Every request checks it has not expired or been revoked, and that the
 * member still has the role that may see the numbers.
 */
export const dashboardSessions = pgTable(
  'dashboard_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    communityId: communityRef(),
    memberId: memberRef(),
    expiresAt: at('expires_at').notNull(),
    revokedAt: at('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [index('dashboard_sessions_member_idx').on(t.communityId, t.memberId)],
);
