import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { communityRef } from './communities.ts';

/**
 * Button payloads too long for a platform's limit (Discord custom_id: 100 characters, Telegram
 * callback_data: 64 bytes), e.g. paging through a long search. The button carries the short key;
 * the payload is looked up in the presser's own community and validated like any other.
 * Rows are content-addressed (the key is a hash of the payload) and pruned when unused.
 */
export const buttonPayloads = pgTable(
  'button_payloads',
  {
    communityId: communityRef(),
    key: text('key').notNull(),
    payload: text('payload').notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.key] }),
    index('button_payloads_last_used_idx').on(t.lastUsedAt),
    check('button_payloads_key_format', sql`${t.key} ~ '^[A-Za-z0-9_-]{16}$'`),
    check('button_payloads_payload_length', sql`length(${t.payload}) <= 1000`),
  ],
);
