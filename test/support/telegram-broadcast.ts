import { eq } from 'drizzle-orm';
import type { Database } from '../../core/db/client.ts';
import { communities } from '../../core/db/schema/index.ts';
import type { TelegramSim } from '../sim/telegram/index.ts';
import type { SimTgMessage } from '../sim/telegram/types.ts';
import { createAnnounceWorld } from './announce-world.ts';

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
