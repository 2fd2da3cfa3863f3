/**
 * The simulator's shared state and the checks every method starts with: which chat, whether the
 * bot may read or write there (telegram-bot-api's check_chat_access), who a user is, and how
 * messages are stored and announced.
 */
import { badRequest, forbidden } from './errors.ts';
import { FileStore } from './files.ts';
import {
  type CallbackQuery,
  type ChargeState,
  type ChatState,
  type InviteLinkState,
  type InvoiceState,
  isInChat,
  now,
  type PreCheckout,
  type StarTransaction,
  type UserState,
  withoutSimFields,
} from './model.ts';
import type { UpdateQueue } from './updates.ts';

const JOIN_REQUEST_WINDOW_S = 5 * 60;
import type { AdminRights, PaymentAttempt, SimTgMessage, SimTgUser } from './types.ts';

export type BotUser = { id: number; is_bot: true; first_name: string; username: string };
/** `read`: getChat-like; `members`: member lists (a dead basic group refuses); `write`: everything else. */
export type Access = 'read' | 'members' | 'write';
export type Timing = { preCheckoutTimeoutMs: number; callbackQueryTtlMs: number };

export class SimState {
  readonly users = new Map<number, UserState>();
  readonly chats = new Map<number, ChatState>();
  readonly callbackQueries = new Map<string, CallbackQuery>();
  readonly commandMenus = new Map<string, unknown[]>();
  readonly inviteLinks = new Map<string, InviteLinkState>();
  /** Invoice messages by `${chatId}:${messageId}`, and invoice links by URL. */
  readonly invoices = new Map<string, InvoiceState>();
  readonly preCheckouts = new Map<string, PreCheckout>();
  readonly charges = new Map<string, ChargeState>();
  readonly starTransactions: StarTransaction[] = [];
  readonly paymentAttempts: PaymentAttempt[] = [];
  /** Files by file_id, their bytes, the bot's media sends and upload counts. */
  readonly files: FileStore;
  closed = false;
  nextUserId = 100_001;
  nextGroup = 1;
  private readonly changeWaiters = new Set<() => void>();

  constructor(
    readonly bot: BotUser,
    readonly updates: UpdateQueue,
    readonly timing: Timing,
    /** BotFather's group privacy: a bot that is no admin gets only the group messages meant for it. */
    readonly privacyMode = false,
  ) {
    this.files = new FileStore(bot.id);
  }

  /** A chat for the test side: a missing one is a bug in the test. */
  chatState(chatId: number): ChatState {
    const state = this.chats.get(chatId);
    if (!state) throw new Error(`telegram sim: no chat ${chatId}`);
    return state;
  }

  /** A chat for an API call, with the bot's access to it checked as the Bot API does. */
  knownChat(chatId: number | string, access: Access = 'write'): ChatState {
    const state = this.chats.get(Number(chatId));
    if (!state) throw badRequest('chat not found');
    const type = state.chat.type;
    if (type === 'private') return state;
    const status = state.members.get(this.bot.id)?.status;
    if (type === 'group') {
      if (state.migratedTo !== undefined && access !== 'read') {
        throw badRequest('group chat was upgraded to a supergroup chat', { migrate_to_chat_id: state.migratedTo });
      }
      if (access === 'read') return state;
      if (status === 'kicked') throw forbidden('bot was kicked from the group chat');
      if (!isInChat(state.members.get(this.bot.id))) throw forbidden('bot is not a member of the group chat');
      return state;
    }
    // Supergroups and channels here are private (no username): the bot must be in them even to read.
    if (status === 'kicked') throw forbidden(`bot was kicked from the ${type} chat`);
    if (!isInChat(state.members.get(this.bot.id))) throw forbidden(`bot is not a member of the ${type} chat`);
    return state;
  }

  /** A chat the bot may post in: a started, unblocked private chat or a group it belongs to. */
  writableChat(chatId: number | string): ChatState {
    const state = this.knownChat(chatId);
    if (state.chat.type === 'private') {
      const user = this.users.get(state.chat.id)!;
      if (user.blocked) throw forbidden('bot was blocked by the user');
      if (!user.started && !this.hasPendingJoinRequest(user.id)) throw forbidden("bot can't initiate conversation with a user");
    } else if (state.chat.type === 'channel' && !this.botRights(state)) {
      throw badRequest('need administrator rights in the channel chat');
    }
    return state;
  }

  /**
   * A join request opens `user_chat_id` to the bot for 5 minutes, until the request is processed
   * (Bot API: ChatJoinRequest.user_chat_id), even if the user never started the bot.
   */
  hasPendingJoinRequest(userId: number): boolean {
    for (const chat of this.chats.values()) {
      const request = chat.joinRequests.get(userId);
      if (request && now() - request.date < JOIN_REQUEST_WINDOW_S) return true;
    }
    return false;
  }

  botRights(state: ChatState): AdminRights | undefined {
    const member = state.members.get(this.bot.id);
    return member?.status === 'administrator' ? member.rights : undefined;
  }

  userState(userId: number): UserState {
    const user = this.users.get(userId);
    if (!user) throw new Error(`telegram sim: no user ${userId}`);
    return user;
  }

  userOrBot(userId: number): Record<string, unknown> & { id: number } {
    if (userId === this.bot.id) return this.bot;
    const user = this.users.get(userId);
    if (!user) throw badRequest('user not found');
    return this.publicUser(user);
  }

  publicUser(user: UserState): SimTgUser & { is_bot: false } {
    return {
      id: user.id,
      is_bot: false,
      first_name: user.first_name,
      ...(user.username ? { username: user.username } : {}),
      ...(user.language_code ? { language_code: user.language_code } : {}),
    };
  }

  newChatState(chat: SimTgMessage['chat']): ChatState {
    return {
      chat,
      members: new Map(),
      messages: [],
      joinRequests: new Map(),
      lastMessageId: 0,
      cursor: 0,
      edits: new Map(),
      seenEdits: new Map(),
      topics: new Map(),
    };
  }

  nextMessageId(state: ChatState): number {
    state.lastMessageId += 1;
    return state.lastMessageId;
  }

  /** Stores a message the bot sent (as the API answers it); it is not an update for the bot. */
  botMessage(state: ChatState, content: Partial<SimTgMessage>): Record<string, unknown> {
    const message: SimTgMessage = { message_id: this.nextMessageId(state), date: now(), chat: state.chat, from: this.bot, ...content, fromBot: true };
    state.messages.push(message);
    this.changed();
    return withoutSimFields(message);
  }

  /**
   * Stores a service message (joins, payments, migrations) from `from` and sends it to the bot
   * as a `message` update, as Telegram does even for the bot's own service messages of these kinds.
   * Telegram writes it, not the bot's API call: `fromBot` stays false so waitForBotMessage skips it.
   */
  serviceMessage(state: ChatState, from: Record<string, unknown> & { id: number }, content: Partial<SimTgMessage>): SimTgMessage {
    const message: SimTgMessage = { message_id: this.nextMessageId(state), date: now(), chat: state.chat, from, ...content, fromBot: false };
    state.messages.push(message);
    this.updates.enqueue({ message: withoutSimFields(message) }, state.chat.id);
    this.changed();
    return structuredClone(message);
  }

  edited(state: ChatState, message: SimTgMessage): Record<string, unknown> {
    message.edit_date = now();
    state.edits.set(message.message_id, (state.edits.get(message.message_id) ?? 0) + 1);
    this.changed();
    return withoutSimFields(message);
  }

  /** A scripted action in a chat: earlier bot messages there, and in the actor's private chat, count as seen. */
  touch(state: ChatState, userId: number): void {
    state.cursor = state.messages.length;
    const own = this.chats.get(userId);
    if (own) own.cursor = own.messages.length;
  }

  changed(): void {
    for (const wake of [...this.changeWaiters]) wake();
  }

  close(): void {
    this.closed = true;
    this.changed();
  }

  waitUntil<T>(
    timeoutMs: number,
    what: string,
    check: () => T | undefined,
    subscribe: (wake: () => void) => void = (wake) => this.changeWaiters.add(wake),
  ): Promise<T> {
    if (this.closed) return Promise.reject(new Error('telegram sim: closed'));
    return new Promise<T>((resolve, reject) => {
      // `check` may consume what it finds (a cursor moves), so it must never run after settling.
      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        this.changeWaiters.delete(attempt);
      };
      const attempt = () => {
        if (settled) return;
        const found = check();
        if (found === undefined) return;
        settle();
        resolve(found);
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`telegram sim: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      attempt();
      if (!settled) subscribe(attempt);
    });
  }
}

/** A Bot API method table: parameters in, the `result` out (or an ApiError thrown). */
export type Methods = Record<string, (params: Record<string, unknown>) => unknown>;
