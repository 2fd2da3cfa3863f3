import type { Bucket } from './pacer.ts';

/**
 * The platforms' send limits, in one place, kept a little under what the platforms allow
 * (../shared/PLATFORMS.md, "Broadcasting limits"): Telegram about 30 messages a second overall,
 * one a second per chat, 20 a minute per group; Discord 50 requests a second globally, and few
 * unsolicited DMs (Discord quarantines bots that mass-DM).
 */
export const platformLimits = {
  // Telegram counts arrivals, the pacer counts reservations: the margins absorb network jitter.
  telegram: { perSecond: 25, perChatPerSecond: 1, perGroupPerMinute: 20, platformPerSecond: 30, paidPerSecond: 900, paidPlatformPerSecond: 1_000 },
  // Discord bans an IP after 10,000 invalid requests (401, 403, 429) in 10 minutes: DMs stop far earlier.
  discord: { perSecond: 40, dmsPerMinute: 10, invalidRequestsWindowMs: 10 * 60_000, invalidRequestsStopDmsAt: 500 },
} as const;

/** The counter of Discord's invalid requests, shared by every worker. */
export const DISCORD_INVALID_REQUESTS = 'discord:invalid-requests';

/**
 * The buckets a Telegram send draws on: the bot's overall rate, spread evenly (or, paid with
 * Stars through `allow_paid_broadcast`, the paid one), and the chat's own (a group's is per minute).
 * The overall bucket comes first: it is the one a 429 closes.
 */
export function telegramBuckets(chatId: string, chatKind: 'private' | 'group', paidBroadcast = false): Bucket[] {
  const { perSecond, perChatPerSecond, perGroupPerMinute, paidPerSecond } = platformLimits.telegram;
  return [
    ...(paidBroadcast ? [{ key: 'telegram:paid', limit: paidPerSecond, windowMs: 1_000 }] : [{ key: 'telegram:global', limit: perSecond, windowMs: 1_000 }, evenly('telegram:global:spacing', perSecond)]),
    // Slots are taken just before the claim, a few milliseconds before the call: a quarter second covers that.
    { key: `telegram:chat:${chatId}`, limit: perChatPerSecond, windowMs: 1_250 },
    ...(chatKind === 'group' ? [{ key: `telegram:group:${chatId}`, limit: perGroupPerMinute, windowMs: 60_000 }] : []),
  ];
}

/**
 * One slot per 1/rate of a second: sends spread evenly over the second instead of leaving in a
 * burst, so a few that reach the platform late (a busy machine) never crowd one of its windows.
 */
function evenly(key: string, perSecond: number): Bucket {
  return { key, limit: 1, windowMs: Math.floor(1_000 / perSecond) };
}

/** The buckets a Discord send draws on: the global rate, and for a DM the DM budget (configurable per deployment). */
export function discordBuckets(target: 'channel' | 'dm', dmsPerMinute: number = platformLimits.discord.dmsPerMinute): Bucket[] {
  return [
    { key: 'discord:global', limit: platformLimits.discord.perSecond, windowMs: 1_000 },
    evenly('discord:global:spacing', platformLimits.discord.perSecond),
    ...(target === 'dm' ? [{ key: 'discord:dm', limit: dmsPerMinute, windowMs: 60_000 }] : []),
  ];
}
