import { bigint, index, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.ts';
import { communityRef } from './communities.ts';
import { members } from './members.ts';

/**
 * A file a community uploaded (a lesson's PDF, slides, audio): its bytes live once in the file
 * store under `sha256`; this row is the community's claim on them, with what the bytes were
 * found to be. The same bytes uploaded twice by one community are one row.
 */
export const communityFiles = pgTable(
  'community_files',
  {
    id: id(),
    communityId: communityRef(),
    sha256: text('sha256').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** Read from the bytes (see core/files/upload-policy), not taken from the upload's name. */
    mime: text('mime').notNull(),
    kind: text('kind').$type<'document' | 'slides' | 'audio' | 'video' | 'image' | 'text'>().notNull(),
    name: text('name').notNull(),
    uploadedByMemberId: uuid('uploaded_by_member_id').references(() => members.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [unique('community_files_community_sha_key').on(t.communityId, t.sha256), unique('community_files_id_community_key').on(t.id, t.communityId), index('community_files_sha_idx').on(t.sha256)],
);

/** A Telegram file_id is valid for one bot only: once a file went up through a bot, it is re-sent by id. */
export const telegramFileIds = pgTable(
  'telegram_file_ids',
  {
    botId: text('bot_id').notNull(),
    sha256: text('sha256').notNull(),
    fileId: text('file_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.sha256] })],
);
