import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { unreachableTargets } from '../db/schema/index.ts';
import type { Platform } from '../members/actor.ts';

/**
 * The user wrote to the bot in private (pressed Start, sent a message): whatever made them
 * unreachable there (blocked the bot, never started it) is over, and sends to them resume.
 */
export async function markReachable(db: Queryable, platform: Platform, userId: string): Promise<void> {
  await db.delete(unreachableTargets).where(and(eq(unreachableTargets.platform, platform), eq(unreachableTargets.targetId, userId)));
}
