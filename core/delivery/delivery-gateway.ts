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

/** A platform's side of the delivery engine (workers only). */
export interface DeliveryGateway {
  send(target: DeliveryTarget, reply: Reply): Promise<SendResult>;
}

export type DeliveryGateways = { telegram?: DeliveryGateway | undefined; discord?: DeliveryGateway | undefined };
