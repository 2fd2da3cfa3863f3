import type { Locale } from '../i18n/index.ts';
import type { Reply } from '../reply.ts';

/**
 * What applying a grant ended in. `done`: the platform now matches. `blocked`: a permanent
 * refusal a person must fix (missing permission, role above the bot's, an administrator who
 * cannot be removed), said in plain words; retrying cannot help. `waiting`: nothing to do until
 * the member shows up (not in the server yet). Outages and rate limits are thrown, and retried.
 */
export type AccessOutcome = { kind: 'done'; inviteLink?: string } | { kind: 'blocked'; reason: string } | { kind: 'waiting'; reason: string };

/**
 * One platform's REST side for access, used by the access worker. Every method is idempotent
 * on the platform (adding a role the member has, removing one they lack, are both `done`).
 */
export interface AccessGateway {
  /** Discord: add or remove a role in a guild. */
  setRole(input: { guildId: string; userId: string; roleId: string; present: boolean; reason: string }): Promise<AccessOutcome>;
  /** Telegram: a single-use, expiring invite link for one member (member_limit 1). */
  inviteToChat(input: { chatId: string; userId: string; expiresAt: Date; name: string }): Promise<AccessOutcome>;
  /** Telegram: remove without a lasting ban (ban, then unban), so a later purchase can bring them back. */
  removeFromChat(input: { chatId: string; userId: string }): Promise<AccessOutcome>;
  /**
   * A private message to the member, written in `locale`, with its Stars invoice where it has one
   * (Telegram); false when they cannot be reached (DMs closed, never started).
   */
  notify(userId: string, reply: Reply, locale?: Locale): Promise<boolean>;
  /**
   * Discord: everyone in the guild (bots aside) and every role each holds, in one paged member
   * listing. Undefined on platforms without it; blocked when not allowed.
   */
  listMembers?(input: { guildId: string }): Promise<{ members: Map<string, string[]> } | { blocked: string }>;
  /** Telegram: one user's membership of a chat (getChatMember); blocked when the bot may not ask. */
  readChatMember?(input: { chatId: string; userId: string }): Promise<ObservedChatMember | { blocked: string }>;
  /** Discord: remove the member from the server (a product whose access ends with a kick). */
  kickFromGuild?(input: { guildId: string; userId: string; reason: string }): Promise<AccessOutcome>;
}

/** `present`: in the chat now (a restricted member counts when is_member). */
export type ObservedChatMember = { present: boolean; status: string };

export type AccessGateways = { discord?: AccessGateway | undefined; telegram?: AccessGateway | undefined };
