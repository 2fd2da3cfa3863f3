import type { Platform } from '../members/actor.ts';
import type { Reply } from '../reply.ts';

/** The staff side of a platform for one community: a Discord text channel or a Telegram forum supergroup. */
export type HandoffSpace = { spaceId: string; channelId?: string; roleId?: string };

/**
 * One platform's side of the human takeover, used by the support worker. Outages and rate limits
 * are thrown (the relay retries); answers a retry cannot change are returned.
 */
export interface SupportGateway {
  /** A private thread (Discord) or forum topic (Telegram) for one ticket, with the staff Lyceum knows added to it. */
  openHandoff(input: { space: HandoffSpace; title: string; staffUserIds: string[] }): Promise<{ threadId: string } | { blocked: string }>;
  /** A message in a ticket's thread or topic; `mention` pings the space's staff role. */
  postToHandoff(input: { space: HandoffSpace; threadId: string; reply: Reply; mention?: boolean }): Promise<{ messageId: string } | { blocked: string }>;
  /** A private message to the member; `unreachable` when they blocked the bot or closed their DMs. */
  postToMember(input: { userId: string; reply: Reply }): Promise<{ messageId: string } | { unreachable: true }>;
}

export type SupportGateways = Partial<Record<Platform, SupportGateway>>;
