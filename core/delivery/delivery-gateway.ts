import type { Reply } from '../reply.ts';

export type DeliveryTarget = { kind: 'dm' | 'channel' | 'group'; id: string };

/**
 * What one platform call did. `permanent`: the recipient cannot be reached on this platform
 * (blocked, deactivated, never started the bot, DMs closed) — not retried. `retryAfterMs`: the
 * platform asked to wait (429). `ambiguous`: the call may or may not have arrived (a timeout,
 * a dropped connection) — never sent again blindly. A definite "not sent" (5xx) is thrown.
 */
export type SendResult = ({ sent: string } | { permanent: string } | { retryAfterMs: number } | { ambiguous: string }) & {
  /** Discord: the answer was a 401, 403 or 429, which count toward the invalid-request ban (10,000 in 10 minutes). */
  invalidRequest?: true;
};

export type SendExtras = {
  /** Telegram: `allow_paid_broadcast` (up to 1,000 messages a second, 0.1 Star each from the bot's balance). */
  paidBroadcast?: boolean;
  /** Discord: a post in an announcement channel is also published (crossposted) to the servers that follow it. */
  publish?: boolean;
};

export type LiveEvent = { name: string; description: string; startsAt: Date; endsAt: Date; link?: string; channelId?: string };

/** A platform's side of the delivery engine (workers only). */
export interface DeliveryGateway {
  send(target: DeliveryTarget, reply: Reply, extras?: SendExtras): Promise<SendResult>;
  /**
   * Replaces the text and buttons of a message the bot sent (an announcement's progress).
   * False when the message is gone or can no longer be edited: the caller sends a new one.
   */
  edit(target: DeliveryTarget, messageId: string, reply: Reply): Promise<boolean>;
  /** Discord: a live session as the server's scheduled event (in a voice or stage channel, or external with a link); returns its id. */
  createEvent?(guildId: string, event: LiveEvent): Promise<string>;
  /** Discord: the event is canceled (members who were interested see it go). */
  cancelEvent?(guildId: string, eventId: string): Promise<void>;
  /** Discord: unsolicited DMs allowed per minute on this deployment (platformLimits' default when absent). */
  readonly dmsPerMinute?: number;
}

export type DeliveryGateways = { telegram?: DeliveryGateway | undefined; discord?: DeliveryGateway | undefined; console?: DeliveryGateway | undefined };
