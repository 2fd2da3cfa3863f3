/** The simulator's public types: what tests, demos and benches hold and pass. */
import type { SimAudio, SimDocument, SimPhotoSize, SimUserFile, SimVideo } from './file-types.ts';
import type { MessageEntity } from './html.ts';

export type * from './file-types.ts';

export type SimTgUser = { id: number; first_name: string; username?: string; language_code?: string };
export type SimChat = { id: number; type: 'group' | 'supergroup' | 'channel'; title: string; is_forum?: boolean };
/** Bot API `SuccessfulPayment`; the subscription fields appear only for Stars subscriptions. */
export type SimSuccessfulPayment = {
  currency: string;
  total_amount: number;
  invoice_payload: string;
  telegram_payment_charge_id: string;
  provider_payment_charge_id: string;
  subscription_expiration_date?: number;
  is_recurring?: true;
  is_first_recurring?: true;
};
export type SimRefundedPayment = Pick<SimSuccessfulPayment, 'currency' | 'total_amount' | 'invoice_payload' | 'telegram_payment_charge_id' | 'provider_payment_charge_id'>;
export type SimTgMessage = {
  message_id: number;
  date: number;
  chat: Record<string, unknown> & { id: number; type: string };
  from?: Record<string, unknown> & { id: number };
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  document?: SimDocument;
  /** A photo's sizes, smallest first. */
  photo?: SimPhotoSize[];
  audio?: SimAudio;
  video?: SimVideo;
  reply_markup?: { inline_keyboard: Array<Array<Record<string, unknown> & { text: string }>> };
  /** The replied message as Telegram nests it: one level deep, without its own reply_to_message. */
  reply_to_message?: SimRepliedMessage;
  /** A forum topic's id (its forum_topic_created message's id); absent in General and outside forums. */
  message_thread_id?: number;
  is_topic_message?: true;
  forum_topic_created?: { name: string; icon_color: number; icon_custom_emoji_id?: string };
  forum_topic_edited?: { name?: string; icon_custom_emoji_id?: string };
  forum_topic_closed?: Record<string, never>;
  forum_topic_reopened?: Record<string, never>;
  invoice?: Record<string, unknown>;
  successful_payment?: SimSuccessfulPayment;
  refunded_payment?: SimRefundedPayment;
  new_chat_members?: Array<Record<string, unknown>>;
  new_chat_member?: Record<string, unknown>;
  new_chat_participant?: Record<string, unknown>;
  left_chat_member?: Record<string, unknown>;
  left_chat_participant?: Record<string, unknown>;
  migrate_to_chat_id?: number;
  migrate_from_chat_id?: number;
  edit_date?: number;
  /** Simulator bookkeeping, never sent: true for messages the bot sent through the API (not service messages). */
  fromBot: boolean;
};
export type SimRepliedMessage = Omit<SimTgMessage, 'fromBot' | 'reply_to_message'>;
/** Bot API `ForumTopic`, plus whether the topic is closed. */
export type SimForumTopic = { message_thread_id: number; name: string; icon_color: number; icon_custom_emoji_id?: string; closed: boolean };
export type RecordedCall = { method: string; params: unknown; ok: boolean; errorCode?: number; description?: string; at: number };
/**
 * An injected failure for the next call(s) of `method`. Without a description: 429 is
 * "Too Many Requests: retry after N" with `parameters.retry_after`, 5xx "Internal Server Error"
 * (502 "Bad Gateway"), 403 "Forbidden: bot was blocked by the user", 400 "Bad Request: chat not found".
 */
export type FailRule = { method: string; errorCode: number; retryAfter?: number; description?: string };
export type AdminRights = {
  can_manage_chat: boolean;
  can_delete_messages: boolean;
  can_manage_video_chats: boolean;
  can_restrict_members: boolean;
  can_promote_members: boolean;
  can_change_info: boolean;
  can_invite_users: boolean;
  can_post_stories: boolean;
  can_edit_stories: boolean;
  can_delete_stories: boolean;
  can_pin_messages: boolean;
  can_manage_topics: boolean;
};

export type TelegramSimOptions = {
  token?: string;
  botUsername?: string;
  botName?: string;
  /** How long a scripted payer waits for answerPreCheckoutQuery; Telegram allows 10 s. */
  preCheckoutTimeoutMs?: number;
  /**
   * BotFather's group privacy (off by default here, unlike Telegram): a bot that is not an admin
   * then gets only commands, @mentions of it and replies to its messages from group members.
   */
  privacyMode?: boolean;
  /** How long a callback query can be answered; Telegram's limit is about 15 s. */
  callbackQueryTtlMs?: number;
  /** First webhook redelivery delay after a failed delivery; doubles per failure (Telegram: ~1 s up to 60-120 s). */
  webhookRetryDelayMs?: number;
  /** How long a webhook delivery may take before it counts as failed ("Read timeout expired"). */
  webhookTimeoutMs?: number;
  /**
   * Telegram's broadcasting limits, enforced with 429s (off when absent); `true` for Telegram's
   * numbers. Sends and edits count; see flood-limits.ts.
   */
  floodLimits?: true | SimFloodLimits;
  /** The bot's Star balance that paid broadcasts (`allow_paid_broadcast`) draw on: 0 by default. */
  botStarBalance?: number;
};

/**
 * Broadcasting limits over sliding windows of real time; Telegram's Bot FAQ gives the defaults.
 * `perSecond` counts sends and edits in all chats, `perChatPerSecond` in one chat, and
 * `perGroupPerMinute` new messages in one group, supergroup or channel. `paidPerSecond` replaces
 * `perSecond` for calls with `allow_paid_broadcast`; the per-chat limits still apply to them.
 */
export type SimFloodLimits = { perSecond?: number; perChatPerSecond?: number; perGroupPerMinute?: number; paidPerSecond?: number };
/** What the bot spent on paid broadcasts so far, and the Star balance left (both in Stars, to 0.1). */
export type SimPaidBroadcastStats = { messages: number; starsSpent: number; starBalance: number };
/**
 * The pace of the bot's successful sends (send*, copy*, forward*) and edits, from `calls`. Windows
 * slide as the limits do: the most calls with `at` less than 1000 ms (or 60 000 ms) apart.
 */
export type SimSendRate = {
  sends: number;
  edits: number;
  /** Sends with allow_paid_broadcast. */
  paidSends: number;
  /** Sends and edits in any 1000 ms, all chats together. */
  maxPerSecondOverall: number;
  /** Sends and edits in any 1000 ms in a single chat. */
  maxPerSecondInOneChat: number;
  /** New messages in any 60 000 ms in a single group, supergroup or channel. */
  maxPerMinuteInOneGroup: number;
  /** Send and edit calls answered 429, by the flood limits or by `failNext`. */
  refused429: number;
  /** New messages per chat id. */
  sendsPerChat: Map<number, number>;
};

export type WebhookDelivery = { updateId: number; status: number; error?: string };
export type WebhookState = { url?: string; secretToken?: string; deliveries: WebhookDelivery[] };

/** What the scripted payer saw. `declined` carries the bot's error_message, shown to the user. */
export type PaymentOutcome =
  | { status: 'paid'; chargeId: string; message: SimTgMessage }
  | { status: 'declined'; errorMessage: string }
  | { status: 'timed_out' };
export type PaymentAttempt = {
  userId: number;
  payload: string;
  currency: string;
  totalAmount: number;
  preCheckoutQueryId: string;
  status: PaymentOutcome['status'];
  errorMessage?: string;
  chargeId?: string;
};
/** A Stars charge as Telegram keeps it (snapshot). */
export type SimStarCharge = {
  chargeId: string;
  userId: number;
  amount: number;
  payload: string;
  date: number;
  refunded: boolean;
  subscription?: { period: number; expiresAt: number; canceledByBot: boolean; canceledByUser: boolean; firstChargeId: string };
};
/** `joined` straight away, or `requested` for a link that creates join requests. */
export type JoinOutcome = { status: 'joined' | 'requested'; chatId: number };

export type ScriptedTelegramUser = {
  /** "/start <payload>" in the private chat; from then on the bot may write to this user. */
  startBot(payload?: string): Promise<SimTgMessage>;
  /** Text in a group, or in the private chat; a reply to a message in a forum topic lands in that topic, as in the app. */
  sendText(chatId: number, text: string, options?: { replyTo?: number }): Promise<SimTgMessage>;
  /**
   * Text in a forum topic: message_thread_id, is_topic_message and, unless `replyTo`, the topic's
   * forum_topic_created message as reply_to_message. Rejects with TOPIC_CLOSED in a closed topic
   * the user neither created nor may manage.
   */
  sendTopicMessage(chatId: number, threadId: number, text: string, options?: { replyTo?: number }): Promise<SimTgMessage>;
  /** Creates a topic in a forum the user owns or administers with can_manage_topics. */
  createTopic(chatId: number, name: string, options?: { iconColor?: number }): Promise<SimForumTopic>;
  /** Closes or reopens a topic the user created or may manage (TOPIC_NOT_MODIFIED when already so). */
  closeTopic(chatId: number, threadId: number): Promise<void>;
  reopenTopic(chatId: number, threadId: number): Promise<void>;
  sendPrivate(text: string): Promise<SimTgMessage>;
  /** Refuses a button the message does not have, unless `forge` (to test forged payloads). */
  pressButton(message: SimTgMessage, callbackData: string, options?: { forge?: boolean }): Promise<CallbackHandle>;
  /** A join request without a link (e.g. from the chat's public page). */
  requestToJoin(chatId: number): Promise<void>;
  /**
   * Opens an invite link. Rejects with the error Telegram shows the user (INVITE_HASH_EXPIRED
   * for expired, revoked or used-up links, INVITE_HASH_INVALID, USER_ALREADY_PARTICIPANT, ...).
   */
  joinByLink(inviteLink: string): Promise<JoinOutcome>;
  /** Leaves a group (a chat_member update and a left_chat_member service message). */
  leaveChat(chatId: number): Promise<void>;
  /**
   * Pays an invoice message or an invoice link (`https://t.me/$...`) in Stars: sends the
   * pre_checkout_query and waits for the bot's answer (up to `preCheckoutTimeoutMs`).
   */
  payInvoice(invoice: SimTgMessage | string): Promise<PaymentOutcome>;
  /** The user cancels a Stars subscription in their settings; the bot is not told. */
  cancelStarSubscription(chargeId: string): void;
  /** Adds the bot to a group created with `botRights: 'absent'` (a my_chat_member update). */
  addBot(chatId: number, rights?: Partial<AdminRights> | 'member'): Promise<void>;
  blockBot(): void;
  /**
   * A file from the user's device, in a group they belong to or their private chat: a message with
   * `document` (or `photo` sizes, `audio`, `video`) whose file_id is valid for this bot (getFile,
   * download, re-send), and an optional caption. `sendPhoto` needs image bytes.
   */
  sendDocument(chatId: number, file: SimUserFile): Promise<SimTgMessage>;
  sendPhoto(chatId: number, file: SimUserFile): Promise<SimTgMessage>;
  sendAudio(chatId: number, file: SimUserFile): Promise<SimTgMessage>;
  sendVideo(chatId: number, file: SimUserFile): Promise<SimTgMessage>;
};
export type CallbackAnswer = { text?: string; show_alert?: boolean; url?: string };
export type CallbackHandle = { readonly id: string; answered(timeoutMs?: number): Promise<CallbackAnswer> };
