import { telegramBuckets } from '../delivery/platform-limits.ts';
import { type Pacer, whenPaced } from '../delivery/pacer.ts';
import type { AccessGateways } from './access-gateway.ts';

/**
 * The access gateways with each Telegram message to a member first taking its slots from the
 * shared pacer, the one announcements draw on: however many worker processes tell members about
 * their access, the bot stays under Telegram's 30 messages a second and one a second per chat.
 * (Telegram's limits count messages, not invite links or bans.) Discord's gateway paces every
 * request itself, on the wire (see bots/discord/access-gateway's `pace`).
 */
export function pacedAccessGateways(gateways: AccessGateways, pacer: Pacer): AccessGateways {
  const { telegram } = gateways;
  if (!telegram) return gateways;
  return {
    ...gateways,
    telegram: { ...telegram, notify: async (userId, reply, locale) => (await whenPaced(pacer, telegramBuckets(userId, 'private')), telegram.notify(userId, reply, locale)) },
  };
}
