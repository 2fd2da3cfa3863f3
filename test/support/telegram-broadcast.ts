import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../core/db/client.ts';
import { announcements, communities, deliveries } from '../../core/db/schema/index.ts';
import { platformLimits } from '../../core/delivery/platform-limits.ts';
import type { TelegramSim } from '../sim/telegram/index.ts';
import type { SimTgMessage } from '../sim/telegram/types.ts';
import { createAnnounceWorld } from './announce-world.ts';
import { eventually } from './queues.ts';
import { expectRetryAfterObeyed, sendsPerChat } from './telegram-pacing.ts';

/**
 * A Telegram community of `count` members who all started the bot, and its creator, for
 * broadcast tests; `paidBroadcast` lets its large announcements go out paid (the sim's bot then
 * needs Stars: `botStarBalance`).
 */
export async function createTelegramAudience(db: Database, sim: TelegramSim, options: { count: number; paidBroadcast?: boolean }) {
  const creator = sim.createUser({ firstName: 'Chloe', languageCode: 'en', startedBot: true }).id;
  const world = await createAnnounceWorld(db, {
    platform: 'telegram',
    count: options.count,
    creatorUserId: String(creator),
    userIdOf: (index) => String(sim.createUser({ firstName: `M${index}`, startedBot: true }).id),
  });
  if (options.paidBroadcast) await db.update(communities).set({ settings: { paidBroadcast: true } }).where(eq(communities.id, world.communityId));
  return { ...world, creator, members: new Set(world.audience.map((member) => member.userId)) };
}

/** The creator writes `/announce <text>` to the bot and presses Confirm on the preview; returns the preview. */
export async function announceAndConfirm(sim: TelegramSim, creator: number, text: string, matches: RegExp): Promise<SimTgMessage> {
  await sim.user(creator).sendPrivate(`/announce ${text}`);
  const preview = await sim.waitForBotMessage(creator, { predicate: (message) => matches.test(message.text ?? ''), timeoutMs: 10_000 });
  const confirm = preview.reply_markup!.inline_keyboard.flat().find((candidate) => /Confirm/.test(candidate.text)) as unknown as { callback_data: string };
  await sim.user(creator).pressButton(preview, confirm.callback_data);
  return preview;
}

/** The community's announcement, once its status is `sent` (every delivery settled). */
export async function sentAnnouncement(db: Database, communityId: string, timeoutMs: number) {
  const [announcement] = await db.select().from(announcements).where(eq(announcements.communityId, communityId));
  await eventually(async () => ((await db.select({ status: announcements.status }).from(announcements).where(eq(announcements.id, announcement!.id)))[0]?.status === 'sent' ? true : undefined), timeoutMs);
  return announcement!;
}

/**
 * A paid broadcast reached each member exactly once, every delivery sent, within the paid
 * limit overall and one a second per chat, retry_after obeyed. Returns the sim's send rate.
 */
export async function expectPaidBroadcastOnce(db: Database, sim: TelegramSim, world: { audience: Array<{ userId: string }>; members: Set<string> }, announcementId: string) {
  const perChat = sendsPerChat(sim);
  expect(world.audience.filter((member) => perChat.get(member.userId) !== 1)).toEqual([]);
  const [counts] = await db.select({ sent: sql<number>`(count(*) filter (where ${deliveries.status} = 'sent'))::int`, all: sql<number>`count(*)::int` }).from(deliveries).where(eq(deliveries.announcementId, announcementId));
  expect(counts).toEqual({ sent: world.audience.length, all: world.audience.length });
  const rate = sim.sendRate();
  expect(rate.paidSends).toBe(world.audience.length);
  expect(rate.maxPerSecondOverall).toBeLessThanOrEqual(platformLimits.telegram.paidPlatformPerSecond);
  expect(rate.maxPerSecondInOneChat).toBeLessThanOrEqual(1);
  expectRetryAfterObeyed(sim, world.members);
  return rate;
}
