/** The simulator's internal world: chats, members, links, invoices and charges, plus pure helpers. */
import type { AdminRights, CallbackAnswer, SimForumTopic, SimRepliedMessage, SimTgMessage, SimTgUser } from './types.ts';

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'left' | 'kicked';
export type Member = { status: MemberStatus; rights?: AdminRights; untilDate?: number };
export type JoinRequest = { date: number; link?: InviteLinkState };
export type ChatState = {
  chat: SimTgMessage['chat'];
  members: Map<number, Member>;
  messages: SimTgMessage[];
  joinRequests: Map<number, JoinRequest>;
  /** Message ids are never reused, even after a delete. */
  lastMessageId: number;
  /** Index into `messages` before which bot messages count as seen by `waitForBotMessage`. */
  cursor: number;
  edits: Map<number, number>;
  seenEdits: Map<number, number>;
  /** Set on a basic group that became a supergroup: the supergroup's id. */
  migratedTo?: number;
  /** Forum topics by message_thread_id (the id of their forum_topic_created message). */
  topics: Map<number, TopicState>;
};
/** `creatorId` may close, reopen and edit it, and post in it while closed, without can_manage_topics. */
export type TopicState = { id: number; name: string; iconColor: number; iconCustomEmojiId?: string; closed: boolean; creatorId: number };
export type UserState = SimTgUser & { started: boolean; blocked: boolean };
export type CallbackQuery = { answer?: CallbackAnswer; createdAt: number; waiters: Array<() => void> };
export type Update = Record<string, unknown> & { update_id: number };

export type InviteLinkState = {
  link: string;
  chat: ChatState;
  creatorId: number;
  name?: string;
  expireDate?: number;
  memberLimit?: number;
  createsJoinRequest: boolean;
  isRevoked: boolean;
  joinedCount: number;
};

export type InvoiceState = {
  title: string;
  description: string;
  payload: string;
  currency: string;
  totalAmount: number;
  /** Seconds; only for Stars subscription links. */
  subscriptionPeriod?: number;
  /** Who paid an invoice message already (a message is paid once per user). */
  paidBy: Set<number>;
};
export type PreCheckout = { answer?: { ok: boolean; errorMessage?: string }; expired: boolean; waiters: Array<() => void> };
export type SubscriptionState = {
  userId: number;
  invoice: InvoiceState;
  period: number;
  expiresAt: number;
  canceledByBot: boolean;
  canceledByUser: boolean;
  chargeIds: string[];
};
export type ChargeState = {
  chargeId: string;
  providerChargeId: string;
  userId: number;
  amount: number;
  currency: string;
  payload: string;
  date: number;
  refunded: boolean;
  subscription?: SubscriptionState;
};
/** Bot API `StarTransaction`: a payment in (source) or a refund out (receiver). */
export type StarTransaction = { id: string; amount: number; date: number } & ({ source: Record<string, unknown> } | { receiver: Record<string, unknown> });

export const FULL_RIGHTS: AdminRights = {
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
  can_pin_messages: true,
  can_manage_topics: true,
};
export const TEXT_LIMIT = 4096;
export const MAX_BUTTONS = 100;
/** Telegram's only allowed Stars subscription period: 30 days. */
export const SUBSCRIPTION_PERIOD = 2_592_000;

export function botMember(rights: Partial<AdminRights> | 'member' | undefined): Member {
  return rights === 'member' ? { status: 'member' } : { status: 'administrator', rights: { ...FULL_RIGHTS, ...rights } };
}

export const isInChat = (member: Member | undefined) =>
  member?.status === 'creator' || member?.status === 'administrator' || member?.status === 'member';

/** Bot API `ChatMember` for a member record. */
export function chatMember(user: Record<string, unknown>, member: Member): Record<string, unknown> {
  switch (member.status) {
    case 'creator':
      return { status: 'creator', user, is_anonymous: false };
    case 'administrator':
      return { status: 'administrator', user, can_be_edited: false, is_anonymous: false, ...member.rights };
    case 'kicked':
      return { status: 'kicked', user, until_date: member.untilDate ?? 0 };
    default:
      return { status: member.status, user };
  }
}

/** Bot API `ChatInviteLink`; links made by someone else than the bot show only their start. */
export function inviteLinkJson(link: InviteLinkState, creator: Record<string, unknown>, botId: number): Record<string, unknown> {
  return {
    invite_link: link.creatorId === botId ? link.link : `${link.link.slice(0, 22)}...`,
    ...(link.name ? { name: link.name } : {}),
    creator,
    ...(link.expireDate ? { expire_date: link.expireDate } : {}),
    ...(link.memberLimit ? { member_limit: link.memberLimit } : {}),
    ...(link.createsJoinRequest && pendingCount(link) ? { pending_join_request_count: pendingCount(link) } : {}),
    creates_join_request: link.createsJoinRequest,
    is_primary: false,
    is_revoked: link.isRevoked,
  };
}

function pendingCount(link: InviteLinkState): number {
  return [...link.chat.joinRequests.values()].filter((request) => request.link === link).length;
}

export function withoutSimFields(message: SimTgMessage): Record<string, unknown> {
  const { fromBot: _fromBot, ...rest } = message;
  return rest;
}

/** A message as another message's reply_to_message: Telegram nests only one level. */
export function repliedMessage(message: SimTgMessage): SimRepliedMessage {
  const { fromBot: _fromBot, reply_to_message: _reply, ...rest } = message;
  return structuredClone(rest);
}

/** Bot API `ForumTopic` and the sim's snapshot of it. */
export function topicJson(topic: TopicState): SimForumTopic {
  return {
    message_thread_id: topic.id,
    name: topic.name,
    icon_color: topic.iconColor,
    ...(topic.iconCustomEmojiId ? { icon_custom_emoji_id: topic.iconCustomEmojiId } : {}),
    closed: topic.closed,
  };
}

export const now = () => Math.floor(Date.now() / 1000);
