import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { telegramFileIds } from '../db/schema/index.ts';

/**
 * Telegram's ids of the files a bot already sent: a file_id is valid for that bot only, so the
 * cache is per bot; with an id the file is re-sent without uploading its bytes again.
 */
export type TelegramFileCache = ReturnType<typeof telegramFileCache>;

export const telegramFileCache = (db: Queryable, botId: string) => ({
  async get(sha256: string): Promise<string | undefined> {
    const [row] = await db.select({ fileId: telegramFileIds.fileId }).from(telegramFileIds).where(and(eq(telegramFileIds.botId, botId), eq(telegramFileIds.sha256, sha256)));
    return row?.fileId;
  },
  async remember(sha256: string, fileId: string): Promise<void> {
    await db.insert(telegramFileIds).values({ botId, sha256, fileId }).onConflictDoNothing();
  },
  /** Telegram no longer knows the id (the bot was re-created, the file expired): the next send uploads again. */
  async forget(sha256: string): Promise<void> {
    await db.delete(telegramFileIds).where(and(eq(telegramFileIds.botId, botId), eq(telegramFileIds.sha256, sha256)));
  },
});
