/**
 * A local Telegram Bot API for the real telegraf client (`telegram.apiRoot`), for e2e tests and
 * demos. It keeps users, groups and messages, delivers updates by long polling or webhook,
 * validates calls like the Bot API (limits, HTML entities, rights, private-chat rules) and
 * answers errors in its shapes. Scripted users act as members; every call is recorded, and
 * failures (429, 5xx, missing rights) can be injected. No test-runner imports: demos use it too.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { type MessageEntity, parseHtml } from './html.ts';

export type SimTgUser = { id: number; first_name: string; username?: string; language_code?: string };
export type SimChat = { id: number; type: 'group' | 'supergroup'; title: string; is_forum?: boolean };
export type SimTgMessage = {
  message_id: number;
  date: number;
  chat: Record<string, unknown> & { id: number; type: string };
  from?: Record<string, unknown> & { id: number };
  text?: string;
  entities?: MessageEntity[];
  reply_markup?: { inline_keyboard: Array<Array<Record<string, unknown> & { text: string }>> };
  reply_to_message?: { message_id: number };
  invoice?: Record<string, unknown>;
  edit_date?: number;
  fromBot: boolean;
};
export type RecordedCall = { method: string; params: unknown; ok: boolean; errorCode?: number; description?: string; at: number };
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

export type ScriptedTelegramUser = {
  /** "/start <payload>" in the private chat; from then on the bot may write to this user. */
  startBot(payload?: string): Promise<SimTgMessage>;
  sendText(chatId: number, text: string): Promise<SimTgMessage>;
  sendPrivate(text: string): Promise<SimTgMessage>;
  /** Refuses a button the message does not have, unless `forge` (to test forged payloads). */
  pressButton(message: SimTgMessage, callbackData: string, options?: { forge?: boolean }): Promise<CallbackHandle>;
  requestToJoin(chatId: number): Promise<void>;
  /** Adds the bot to a group created with `botRights: 'absent'` (a my_chat_member update). */
  addBot(chatId: number, rights?: Partial<AdminRights> | 'member'): Promise<void>;
  blockBot(): void;
};
export type CallbackAnswer = { text?: string; show_alert?: boolean; url?: string };
export type CallbackHandle = { readonly id: string; answered(timeoutMs?: number): Promise<CallbackAnswer> };

type Member = { status: 'creator' | 'administrator' | 'member' | 'left' | 'kicked'; rights?: AdminRights };
type ChatState = {
  chat: SimTgMessage['chat'];
  members: Map<number, Member>;
  messages: SimTgMessage[];
  joinRequests: Set<number>;
  /** Message ids are never reused, even after a delete. */
  lastMessageId: number;
  /** Index into `messages` before which bot messages count as seen by `waitForBotMessage`. */
  cursor: number;
  edits: Map<number, number>;
  seenEdits: Map<number, number>;
};
type UserState = SimTgUser & { started: boolean; blocked: boolean };
type Query = { answer?: CallbackAnswer; createdAt: number; waiters: Array<() => void> };
type Update = Record<string, unknown> & { update_id: number };

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}
const badRequest = (description: string) => new ApiError(400, `Bad Request: ${description}`);

const FULL_RIGHTS: AdminRights = {
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
const TEXT_LIMIT = 4096;
const QUERY_TTL_MS = 15_000;
const MAX_BUTTONS = 100;

export async function startTelegramSim(options: { token?: string; botUsername?: string; botName?: string } = {}) {
  const sim = new TelegramSim(options);
  await sim.listen();
  return sim;
}

export class TelegramSim {
  readonly token: string;
  readonly bot: { id: number; is_bot: true; first_name: string; username: string };
  readonly calls: RecordedCall[] = [];
  readonly webhook: { url?: string; secretToken?: string; deliveries: Array<{ updateId: number; status: number }> } = {
    deliveries: [],
  };
  apiRoot = '';

  private readonly server = createServer((request, response) => void this.serve(request, response));
  private readonly users = new Map<number, UserState>();
  private readonly chats = new Map<number, ChatState>();
  private readonly queries = new Map<string, Query>();
  private readonly commandMenus = new Map<string, unknown[]>();
  private readonly failRules: Array<FailRule & { remaining: number }> = [];
  private readonly queue: Update[] = [];
  private readonly pollers = new Set<() => void>();
  private readonly changeWaiters = new Set<() => void>();
  private allowedUpdates: string[] | undefined;
  private nextUserId = 100_001;
  private nextGroup = 1;
  private nextUpdateId = 1;
  private closed = false;

  constructor(options: { token?: string; botUsername?: string; botName?: string }) {
    const botId = 7_000_000_001;
    this.token = options.token ?? `${botId}:${randomBytes(26).toString('base64url').slice(0, 35)}`;
    this.bot = { id: Number(this.token.split(':')[0]), is_bot: true, first_name: options.botName ?? 'Lyceum', username: options.botUsername ?? 'lyceum_sim_bot' };
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.pollers) wake();
    for (const wake of this.changeWaiters) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- world -------------------------------------------------------------------------------

  createUser(input: { firstName: string; username?: string; languageCode?: string }): SimTgUser {
    const user: UserState = {
      id: this.nextUserId++,
      first_name: input.firstName,
      ...(input.username ? { username: input.username } : {}),
      ...(input.languageCode ? { language_code: input.languageCode } : {}),
      started: false,
      blocked: false,
    };
    this.users.set(user.id, user);
    this.chats.set(user.id, this.newChatState({ id: user.id, type: 'private', first_name: user.first_name, ...(user.username ? { username: user.username } : {}) }));
    return this.publicUser(user);
  }

  /** A group with its creator, admins (full rights) and members; the bot is an admin unless `botRights: 'member'`. */
  createGroup(input: {
    title: string;
    type?: 'group' | 'supergroup';
    isForum?: boolean;
    creatorId: number;
    adminIds?: number[];
    memberIds?: number[];
    /** The bot's place in the group: an admin by default, a plain member, or not in it yet. */
    botRights?: Partial<AdminRights> | 'member' | 'absent';
  }): SimChat {
    const type = input.type ?? 'group';
    const n = this.nextGroup++;
    const id = type === 'supergroup' ? -(1_000_000_000_000 + n) : -(4_000_000_000 + n);
    const chat: SimChat = { id, type, title: input.title, ...(input.isForum ? { is_forum: true } : {}) };
    const state = this.newChatState({ ...chat });
    state.members.set(input.creatorId, { status: 'creator' });
    for (const admin of input.adminIds ?? []) state.members.set(admin, { status: 'administrator', rights: FULL_RIGHTS });
    for (const member of input.memberIds ?? []) state.members.set(member, { status: 'member' });
    if (input.botRights !== 'absent') state.members.set(this.bot.id, botMember(input.botRights));
    this.chats.set(id, state);
    return chat;
  }

  user(userId: number): ScriptedTelegramUser {
    const user = this.users.get(userId);
    if (!user) throw new Error(`telegram sim: no user ${userId}`);
    return {
      startBot: async (payload) => {
        user.started = true;
        user.blocked = false;
        return this.userMessage(user, userId, payload ? `/start ${payload}` : '/start');
      },
      sendText: async (chatId, text) => this.userMessage(user, chatId, text),
      sendPrivate: async (text) => this.userMessage(user, userId, text),
      pressButton: async (message, data, options) => this.press(user, message, data, options?.forge ?? false),
      requestToJoin: async (chatId) => {
        const state = this.chatState(chatId);
        state.joinRequests.add(userId);
        this.enqueue({
          chat_join_request: { chat: state.chat, from: this.publicUser(user), user_chat_id: userId, date: now() },
        });
      },
      addBot: async (chatId, rights) => {
        const state = this.chatState(chatId);
        const status = state.members.get(user.id)?.status;
        if (status !== 'creator' && status !== 'administrator') throw new Error(`telegram sim: ${user.first_name} may not add bots to ${chatId}`);
        const before = state.members.get(this.bot.id) ?? { status: 'left' as const };
        const after = botMember(rights);
        state.members.set(this.bot.id, after);
        this.enqueue({
          my_chat_member: {
            chat: state.chat,
            from: this.publicUser(user),
            date: now(),
            old_chat_member: chatMember(this.bot, before),
            new_chat_member: chatMember(this.bot, after),
          },
        });
      },
      blockBot: () => {
        user.blocked = true;
      },
    };
  }

  /** Snapshots: later edits must not change what a test already holds. */
  messages(chatId: number): SimTgMessage[] {
    return structuredClone(this.chatState(chatId).messages);
  }

  privateChatMessages(userId: number): SimTgMessage[] {
    return this.messages(userId);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  failNext(rule: FailRule, times = 1): void {
    this.failRules.push({ ...rule, remaining: times });
  }

  /**
   * The first bot message in the chat sent after the latest scripted action there (an action
   * also counts for the actor's private chat) and not returned before.
   */
  async waitForBotMessage(
    chatId: number,
    options: { predicate?: (message: SimTgMessage) => boolean; timeoutMs?: number } = {},
  ): Promise<SimTgMessage> {
    const state = this.chatState(chatId);
    return this.waitUntil(options.timeoutMs ?? 5_000, `a bot message in chat ${chatId}`, () => {
      for (let index = state.cursor; index < state.messages.length; index++) {
        const message = state.messages[index]!;
        if (message.fromBot && (!options.predicate || options.predicate(message))) {
          state.cursor = index + 1;
          return structuredClone(message);
        }
      }
      return undefined;
    });
  }

  /** The message after its next edit (an edit after the latest button press on it). */
  async waitForEdit(chatId: number, messageId: number, options: { timeoutMs?: number } = {}): Promise<SimTgMessage> {
    const state = this.chatState(chatId);
    return this.waitUntil(options.timeoutMs ?? 5_000, `an edit of message ${messageId} in chat ${chatId}`, () => {
      const edits = state.edits.get(messageId) ?? 0;
      if (edits <= (state.seenEdits.get(messageId) ?? 0)) return undefined;
      state.seenEdits.set(messageId, edits);
      const message = state.messages.find((candidate) => candidate.message_id === messageId);
      return message && structuredClone(message);
    });
  }

  /** The command menu published for a scope and language (`default` scope, no language by default). */
  commandMenu(scope = 'default', languageCode = ''): unknown[] | undefined {
    return this.commandMenus.get(`${scope}|${languageCode}`);
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sim');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (!match) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method = ''] = match;
    if (token !== this.token) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    let params: Record<string, unknown>;
    try {
      params = { ...Object.fromEntries(url.searchParams), ...(await readBody(request)) };
    } catch {
      return send(400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
    }
    const call: RecordedCall = { method, params, ok: true, at: Date.now() };
    this.calls.push(call);
    try {
      this.injectedFailure(method);
      const result = await this.dispatch(method, params);
      send(200, { ok: true, result });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'Internal Server Error');
      if (!(error instanceof ApiError)) console.error('telegram sim: handler crashed', error);
      Object.assign(call, { ok: false, errorCode: apiError.code, description: apiError.description });
      send(apiError.code, {
        ok: false,
        error_code: apiError.code,
        description: apiError.description,
        ...(apiError.parameters ? { parameters: apiError.parameters } : {}),
      });
    }
  }

  private injectedFailure(method: string): void {
    const rule = this.failRules.find((candidate) => candidate.method === method && candidate.remaining > 0);
    if (!rule) return;
    rule.remaining -= 1;
    if (rule.errorCode === 429) {
      const retryAfter = rule.retryAfter ?? 1;
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
    const fallback = rule.errorCode >= 500 ? (rule.errorCode === 502 ? 'Bad Gateway' : 'Internal Server Error') : 'Bad Request: not enough rights';
    throw new ApiError(rule.errorCode, rule.description ?? fallback);
  }

  private async dispatch(method: string, raw: Record<string, unknown>): Promise<unknown> {
    const handler = this.methods[method];
    if (!handler) throw new ApiError(404, 'Not Found');
    return handler(raw);
  }

  private readonly methods: Record<string, (params: Record<string, unknown>) => unknown> = {
    getMe: () => ({ ...this.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false }),
    getUpdates: (raw) => this.getUpdates(parse(schemas.getUpdates, raw)),
    setWebhook: (raw) => {
      const params = parse(schemas.setWebhook, raw);
      if (params.url === '') return this.methods.deleteWebhook!({});
      this.webhook.url = params.url;
      this.webhook.secretToken = params.secret_token;
      if (params.allowed_updates) this.allowedUpdates = params.allowed_updates;
      if (params.drop_pending_updates) this.queue.length = 0;
      for (const wake of this.pollers) wake();
      void this.flushToWebhook();
      return true;
    },
    deleteWebhook: (raw) => {
      const params = parse(schemas.deleteWebhook, raw);
      delete this.webhook.url;
      delete this.webhook.secretToken;
      if (params.drop_pending_updates) this.queue.length = 0;
      return true;
    },
    getWebhookInfo: () => ({
      url: this.webhook.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      ...(this.allowedUpdates ? { allowed_updates: this.allowedUpdates } : {}),
    }),
    setMyCommands: (raw) => {
      const params = parse(schemas.setMyCommands, raw);
      this.commandMenus.set(`${params.scope?.type ?? 'default'}|${params.language_code ?? ''}`, params.commands);
      return true;
    },
    getMyCommands: (raw) => {
      const params = parse(schemas.commandScope, raw);
      return this.commandMenus.get(`${params.scope?.type ?? 'default'}|${params.language_code ?? ''}`) ?? [];
    },
    deleteMyCommands: (raw) => {
      const params = parse(schemas.commandScope, raw);
      this.commandMenus.delete(`${params.scope?.type ?? 'default'}|${params.language_code ?? ''}`);
      return true;
    },
    sendMessage: (raw) => {
      const params = parse(schemas.sendMessage, raw);
      const state = this.writableChat(params.chat_id);
      const content = renderText(params.text, params.parse_mode, params.entities);
      const markup = validateMarkup(params.reply_markup);
      const replyTo = params.reply_parameters?.message_id ?? params.reply_to_message_id;
      if (replyTo !== undefined && !state.messages.some((message) => message.message_id === replyTo)) {
        if (!params.reply_parameters?.allow_sending_without_reply && !params.allow_sending_without_reply) {
          throw badRequest('message to be replied not found');
        }
      }
      return this.botMessage(state, { ...content, ...(markup ? { reply_markup: markup } : {}), ...(replyTo ? { reply_to_message: { message_id: replyTo } } : {}) });
    },
    editMessageText: (raw) => {
      const params = parse(schemas.editMessageText, raw);
      const { state, message } = this.editableMessage(params.chat_id, params.message_id);
      const content = renderText(params.text, params.parse_mode, params.entities);
      const markup = validateMarkup(params.reply_markup);
      if (
        message.text === content.text &&
        JSON.stringify(message.entities ?? []) === JSON.stringify(content.entities ?? []) &&
        JSON.stringify(message.reply_markup) === JSON.stringify(markup)
      ) {
        throw badRequest(
          'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
        );
      }
      message.text = content.text;
      if (content.entities) message.entities = content.entities;
      else delete message.entities;
      if (markup) message.reply_markup = markup;
      else delete message.reply_markup;
      return this.edited(state, message);
    },
    editMessageReplyMarkup: (raw) => {
      const params = parse(schemas.editMessageReplyMarkup, raw);
      const { state, message } = this.editableMessage(params.chat_id, params.message_id);
      const markup = validateMarkup(params.reply_markup);
      if (JSON.stringify(message.reply_markup) === JSON.stringify(markup)) {
        throw badRequest(
          'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
        );
      }
      if (markup) message.reply_markup = markup;
      else delete message.reply_markup;
      return this.edited(state, message);
    },
    answerCallbackQuery: (raw) => {
      const params = parse(schemas.answerCallbackQuery, raw);
      const query = this.queries.get(params.callback_query_id);
      if (!query || query.answer || Date.now() - query.createdAt > QUERY_TTL_MS) {
        throw badRequest('query is too old and response timeout expired or query ID is invalid');
      }
      query.answer = {
        ...(params.text !== undefined ? { text: params.text } : {}),
        ...(params.show_alert !== undefined ? { show_alert: params.show_alert } : {}),
        ...(params.url !== undefined ? { url: params.url } : {}),
      };
      for (const wake of query.waiters) wake();
      return true;
    },
    deleteMessage: (raw) => {
      const params = parse(schemas.messageRef, raw);
      const state = this.knownChat(params.chat_id);
      const index = state.messages.findIndex((message) => message.message_id === params.message_id);
      if (index < 0) throw badRequest('message to delete not found');
      const message = state.messages[index]!;
      if (!message.fromBot && state.chat.type !== 'private' && !this.botRights(state)?.can_delete_messages) {
        throw badRequest("message can't be deleted");
      }
      state.messages.splice(index, 1);
      if (state.cursor > index) state.cursor -= 1;
      return true;
    },
    sendChatAction: (raw) => {
      this.writableChat(parse(schemas.chatRef, raw).chat_id);
      return true;
    },
    getChat: (raw) => {
      const state = this.knownChat(parse(schemas.chatRef, raw).chat_id);
      return { ...state.chat, ...(state.chat.type !== 'private' ? { permissions: {} } : {}) };
    },
    getChatMember: (raw) => {
      const params = parse(schemas.memberRef, raw);
      const state = this.knownChat(params.chat_id);
      const user = this.userOrBot(params.user_id);
      return chatMember(user, state.members.get(params.user_id) ?? { status: state.chat.id === params.user_id ? 'member' : 'left' });
    },
    getChatAdministrators: (raw) => {
      const state = this.knownChat(parse(schemas.chatRef, raw).chat_id);
      return [...state.members]
        .filter(([, member]) => member.status === 'creator' || member.status === 'administrator')
        .map(([id, member]) => chatMember(this.userOrBot(id), member));
    },
    createChatInviteLink: (raw) => {
      const params = parse(schemas.createChatInviteLink, raw);
      const state = this.groupChat(params.chat_id);
      if (!this.botRights(state)?.can_invite_users) throw badRequest('not enough rights to manage chat invite link');
      if (params.creates_join_request && params.member_limit !== undefined) {
        throw badRequest("can't use both member_limit and creates_join_request");
      }
      return {
        invite_link: `https://t.me/+${randomBytes(12).toString('base64url')}`,
        creator: this.bot,
        creates_join_request: params.creates_join_request ?? false,
        is_primary: false,
        is_revoked: false,
        ...(params.name ? { name: params.name } : {}),
        ...(params.expire_date ? { expire_date: params.expire_date } : {}),
        ...(params.member_limit ? { member_limit: params.member_limit } : {}),
      };
    },
    sendInvoice: (raw) => {
      const params = parse(schemas.sendInvoice, raw);
      const state = this.writableChat(params.chat_id);
      if (Buffer.byteLength(params.payload) > 128) throw badRequest('INVOICE_PAYLOAD_INVALID');
      if (params.currency === 'XTR') {
        if (params.provider_token) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
        if (params.prices.length !== 1) throw badRequest('Stars invoices must have exactly one price');
      } else if (!params.provider_token) {
        throw badRequest('PAYMENT_PROVIDER_INVALID');
      }
      const total = params.prices.reduce((sum, price) => sum + price.amount, 0);
      if (total <= 0) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
      return this.botMessage(state, {
        invoice: { title: params.title, description: params.description, start_parameter: '', currency: params.currency, total_amount: total },
      });
    },
    answerPreCheckoutQuery: (raw) => {
      const params = parse(schemas.answerPreCheckoutQuery, raw);
      if (!params.ok && !params.error_message) throw badRequest('error_message is required when ok is false');
      return true;
    },
    approveChatJoinRequest: (raw) => this.settleJoinRequest(parse(schemas.memberRef, raw), true),
    declineChatJoinRequest: (raw) => this.settleJoinRequest(parse(schemas.memberRef, raw), false),
    banChatMember: (raw) => {
      const params = parse(schemas.memberRef, raw);
      const state = this.groupChat(params.chat_id);
      if (!this.botRights(state)?.can_restrict_members) throw badRequest('not enough rights to restrict/unrestrict chat member');
      const member = state.members.get(params.user_id);
      if (member?.status === 'creator' || member?.status === 'administrator') throw badRequest('user is an administrator of the chat');
      this.userOrBot(params.user_id);
      state.members.set(params.user_id, { status: 'kicked' });
      return true;
    },
    unbanChatMember: (raw) => {
      const params = parse(schemas.unban, raw);
      const state = this.groupChat(params.chat_id);
      if (!this.botRights(state)?.can_restrict_members) throw badRequest('not enough rights to restrict/unrestrict chat member');
      const member = state.members.get(params.user_id);
      if (member?.status === 'kicked') state.members.set(params.user_id, { status: 'left' });
      else if (member?.status === 'member' && !params.only_if_banned) state.members.set(params.user_id, { status: 'left' });
      return true;
    },
    createForumTopic: (raw) => {
      const params = parse(schemas.createForumTopic, raw);
      const state = this.groupChat(params.chat_id);
      if (!state.chat.is_forum) throw badRequest('the chat is not a forum');
      if (!this.botRights(state)?.can_manage_topics) throw badRequest('not enough rights to create a topic');
      return { message_thread_id: state.messages.length + 1000, name: params.name, icon_color: params.icon_color ?? 7322096 };
    },
    leaveChat: (raw) => {
      const state = this.groupChat(parse(schemas.chatRef, raw).chat_id);
      state.members.set(this.bot.id, { status: 'left' });
      return true;
    },
  };

  // ---- updates ------------------------------------------------------------------------------

  private async getUpdates(params: z.infer<typeof schemas.getUpdates>): Promise<unknown[]> {
    if (this.webhook.url) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    if (params.allowed_updates) this.allowedUpdates = params.allowed_updates;
    if (params.offset !== undefined) {
      const offset = params.offset;
      while (this.queue.length && this.queue[0]!.update_id < offset) this.queue.shift();
    }
    const take = () => this.queue.filter((update) => this.isAllowed(update)).slice(0, params.limit ?? 100);
    const deadline = Date.now() + (params.timeout ?? 0) * 1000;
    while (!take().length && Date.now() < deadline && !this.closed && !this.webhook.url) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.pollers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, deadline - Date.now());
        this.pollers.add(wake);
      });
    }
    return take();
  }

  private isAllowed(update: Update): boolean {
    const kind = Object.keys(update).find((key) => key !== 'update_id') ?? '';
    const allowed = this.allowedUpdates?.length ? this.allowedUpdates : undefined;
    // Telegram's default leaves out chat_member, message_reaction and message_reaction_count.
    return allowed ? allowed.includes(kind) : !['chat_member', 'message_reaction', 'message_reaction_count'].includes(kind);
  }

  private enqueue(body: Record<string, unknown>): void {
    const update: Update = { update_id: this.nextUpdateId++, ...body };
    if (!this.isAllowed(update)) return;
    this.queue.push(update);
    for (const wake of this.pollers) wake();
    if (this.webhook.url) void this.flushToWebhook();
  }

  private delivering = false;
  /** Webhook delivery, one update at a time and in order, as Telegram does. Failed ones are dropped. */
  private async flushToWebhook(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.webhook.url && this.queue.length && !this.closed) {
        const update = this.queue.shift()!;
        let status = 0;
        try {
          const response = await fetch(this.webhook.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(this.webhook.secretToken ? { 'x-telegram-bot-api-secret-token': this.webhook.secretToken } : {}),
            },
            body: JSON.stringify(update),
          });
          status = response.status;
          await response.arrayBuffer();
        } catch {
          status = 0;
        }
        this.webhook.deliveries.push({ updateId: update.update_id, status });
      }
    } finally {
      this.delivering = false;
    }
  }

  // ---- scripted users -----------------------------------------------------------------------

  private async userMessage(user: UserState, chatId: number, text: string): Promise<SimTgMessage> {
    const state = this.chatState(chatId);
    if (state.chat.type !== 'private') {
      const status = state.members.get(user.id)?.status;
      if (!status || status === 'left' || status === 'kicked') throw new Error(`telegram sim: user ${user.id} is not in chat ${chatId}`);
    } else if (chatId !== user.id) {
      throw new Error('telegram sim: users write to their own private chat with the bot');
    }
    const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{5,32})?/.exec(text);
    const message: SimTgMessage = {
      message_id: this.nextMessageId(state),
      date: now(),
      chat: state.chat,
      from: this.publicUser(user),
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
      fromBot: false,
    };
    state.messages.push(message);
    this.touch(state, user.id);
    this.enqueue({ message: withoutSimFields(message) });
    return structuredClone(message);
  }

  private async press(user: UserState, message: SimTgMessage, data: string, forge: boolean): Promise<CallbackHandle> {
    const state = this.chatState(message.chat.id);
    const current = state.messages.find((candidate) => candidate.message_id === message.message_id);
    if (!current) throw new Error(`telegram sim: message ${message.message_id} is gone`);
    const hasButton = (current.reply_markup?.inline_keyboard ?? []).flat().some((button) => button.callback_data === data);
    if (!forge && !hasButton) throw new Error(`telegram sim: no button with callback_data "${data}" on message ${message.message_id}`);
    const id = randomBytes(8).readBigUInt64BE().toString();
    const query: Query = { createdAt: Date.now(), waiters: [] };
    this.queries.set(id, query);
    this.touch(state, user.id);
    state.seenEdits.set(current.message_id, state.edits.get(current.message_id) ?? 0);
    this.enqueue({
      callback_query: {
        id,
        from: this.publicUser(user),
        message: withoutSimFields(current),
        chat_instance: String(Math.abs(state.chat.id)),
        data,
      },
    });
    return {
      id,
      answered: (timeoutMs = 5_000) =>
        this.waitUntil(timeoutMs, `an answer to callback query ${id}`, () => query.answer, (wake) => query.waiters.push(wake)),
    };
  }

  private settleJoinRequest(params: { chat_id: number | string; user_id: number }, approve: boolean): boolean {
    const state = this.groupChat(params.chat_id);
    if (!this.botRights(state)?.can_invite_users) throw badRequest('not enough rights to manage join requests');
    if (!state.joinRequests.delete(params.user_id)) throw badRequest('HIDE_REQUESTER_MISSING');
    if (approve) state.members.set(params.user_id, { status: 'member' });
    return true;
  }

  // ---- state helpers ------------------------------------------------------------------------

  private newChatState(chat: SimTgMessage['chat']): ChatState {
    return { chat, members: new Map(), messages: [], joinRequests: new Set(), lastMessageId: 0, cursor: 0, edits: new Map(), seenEdits: new Map() };
  }

  private chatState(chatId: number): ChatState {
    const state = this.chats.get(chatId);
    if (!state) throw new Error(`telegram sim: no chat ${chatId}`);
    return state;
  }

  private knownChat(chatId: number | string): ChatState {
    const state = this.chats.get(Number(chatId));
    if (!state) throw badRequest('chat not found');
    return state;
  }

  private groupChat(chatId: number | string): ChatState {
    const state = this.knownChat(chatId);
    if (state.chat.type === 'private') throw badRequest('method is available for supergroup and channel chats only');
    return state;
  }

  /** A chat the bot may post in: a started, unblocked private chat or a group it belongs to. */
  private writableChat(chatId: number | string): ChatState {
    const state = this.knownChat(chatId);
    if (state.chat.type === 'private') {
      const user = this.users.get(state.chat.id)!;
      if (user.blocked) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
      if (!user.started) throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
      return state;
    }
    const status = state.members.get(this.bot.id)?.status;
    if (status === 'kicked') throw new ApiError(403, 'Forbidden: bot was kicked from the group chat');
    if (!status || status === 'left') throw new ApiError(403, 'Forbidden: bot is not a member of the group chat');
    return state;
  }

  private editableMessage(chatId: number | string | undefined, messageId: number | undefined) {
    if (chatId === undefined || messageId === undefined) throw badRequest('message identifier is not specified');
    const state = this.knownChat(chatId);
    const message = state.messages.find((candidate) => candidate.message_id === messageId);
    if (!message) throw badRequest('message to edit not found');
    if (!message.fromBot) throw badRequest("message can't be edited");
    return { state, message };
  }

  private botRights(state: ChatState): AdminRights | undefined {
    const member = state.members.get(this.bot.id);
    return member?.status === 'administrator' ? member.rights : undefined;
  }

  private userOrBot(userId: number) {
    if (userId === this.bot.id) return this.bot;
    const user = this.users.get(userId);
    if (!user) throw badRequest('user not found');
    return { ...this.publicUser(user), is_bot: false };
  }

  private publicUser(user: UserState): SimTgUser & { is_bot: false } {
    return {
      id: user.id,
      is_bot: false,
      first_name: user.first_name,
      ...(user.username ? { username: user.username } : {}),
      ...(user.language_code ? { language_code: user.language_code } : {}),
    };
  }

  private nextMessageId(state: ChatState): number {
    state.lastMessageId += 1;
    return state.lastMessageId;
  }

  private botMessage(state: ChatState, content: Partial<SimTgMessage>): Record<string, unknown> {
    const message: SimTgMessage = { message_id: this.nextMessageId(state), date: now(), chat: state.chat, from: this.bot, ...content, fromBot: true };
    state.messages.push(message);
    this.changed();
    return withoutSimFields(message);
  }

  private edited(state: ChatState, message: SimTgMessage): Record<string, unknown> {
    message.edit_date = now();
    state.edits.set(message.message_id, (state.edits.get(message.message_id) ?? 0) + 1);
    this.changed();
    return withoutSimFields(message);
  }

  /** A scripted action in a chat: earlier bot messages there, and in the actor's private chat, count as seen. */
  private touch(state: ChatState, userId: number): void {
    state.cursor = state.messages.length;
    const own = this.chats.get(userId);
    if (own) own.cursor = own.messages.length;
  }

  private changed(): void {
    for (const wake of [...this.changeWaiters]) wake();
  }

  private waitUntil<T>(
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

// ---- validation ------------------------------------------------------------------------------

const chatId = z.union([z.number().int(), z.string().regex(/^-?\d+$|^@\w{5,32}$/)]);
const entity = z.object({ type: z.string(), offset: z.number().int().min(0), length: z.number().int().min(1) }).loose();
const inlineButton = z
  .object({
    text: z.string(),
    url: z.string().optional(),
    callback_data: z.string().optional(),
    switch_inline_query: z.string().optional(),
    pay: z.boolean().optional(),
  })
  .loose();
const replyMarkup = z.union([
  z.object({ inline_keyboard: z.array(z.array(inlineButton)) }).loose(),
  z.object({ keyboard: z.array(z.array(z.unknown())) }).loose(),
  z.object({ remove_keyboard: z.literal(true) }).loose(),
  z.object({ force_reply: z.literal(true) }).loose(),
]);
/** Telegram takes objects as JSON strings in form-encoded or query parameters. */
const jsonOrValue = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);
const int = z.coerce.number().int();
const bool = z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());
const scope = jsonOrValue(z.object({ type: z.string() }).loose());

const schemas = {
  getUpdates: z.object({
    offset: int.optional(),
    limit: int.min(1).max(100).optional(),
    timeout: int.min(0).optional(),
    allowed_updates: jsonOrValue(z.array(z.string())).optional(),
  }),
  setWebhook: z.object({
    url: z.string().refine((value) => value === '' || /^https?:\/\//.test(value), 'bad webhook: An HTTPS URL must be provided for webhook'),
    secret_token: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'secret token contains unallowed characters').optional(),
    drop_pending_updates: bool.optional(),
    allowed_updates: jsonOrValue(z.array(z.string())).optional(),
    max_connections: int.min(1).max(100).optional(),
  }),
  deleteWebhook: z.object({ drop_pending_updates: bool.optional() }),
  setMyCommands: z.object({
    commands: jsonOrValue(
      z
        .array(
          z.object({
            command: z.string().regex(/^[a-z0-9_]{1,32}$/, 'BOT_COMMAND_INVALID'),
            description: z.string().trim().min(1, 'BOT_COMMAND_DESCRIPTION_INVALID').max(256, 'BOT_COMMAND_DESCRIPTION_INVALID'),
          }),
        )
        .max(100, 'BOT_COMMANDS_TOO_MUCH'),
    ),
    scope: scope.optional(),
    language_code: z.string().regex(/^([a-z]{2})?$/, 'LANG_CODE_INVALID').optional(),
  }),
  commandScope: z.object({ scope: scope.optional(), language_code: z.string().optional() }),
  sendMessage: z
    .object({
      chat_id: chatId,
      text: z.string({ error: 'message text is empty' }),
      parse_mode: z.enum(['HTML', 'MarkdownV2', 'Markdown']).optional(),
      entities: jsonOrValue(z.array(entity)).optional(),
      reply_markup: jsonOrValue(replyMarkup).optional(),
      reply_parameters: jsonOrValue(z.object({ message_id: int, allow_sending_without_reply: bool.optional() }).loose()).optional(),
      reply_to_message_id: int.optional(),
      allow_sending_without_reply: bool.optional(),
      message_thread_id: int.optional(),
    })
    .loose(),
  editMessageText: z
    .object({
      chat_id: chatId.optional(),
      message_id: int.optional(),
      text: z.string({ error: 'message text is empty' }),
      parse_mode: z.enum(['HTML', 'MarkdownV2', 'Markdown']).optional(),
      entities: jsonOrValue(z.array(entity)).optional(),
      reply_markup: jsonOrValue(replyMarkup).optional(),
    })
    .loose(),
  editMessageReplyMarkup: z
    .object({ chat_id: chatId.optional(), message_id: int.optional(), reply_markup: jsonOrValue(replyMarkup).optional() })
    .loose(),
  answerCallbackQuery: z.object({
    callback_query_id: z.string().min(1),
    text: z.string().max(200, 'MESSAGE_TOO_LONG').optional(),
    show_alert: bool.optional(),
    // Only links that open this bot (t.me/<bot>?start=...) or a game are allowed here.
    url: z.string().regex(/^https:\/\/t\.me\/\w+(\?start=[\w-]{1,64})?$/, 'URL_INVALID').optional(),
    cache_time: int.optional(),
  }),
  chatRef: z.object({ chat_id: chatId }).loose(),
  messageRef: z.object({ chat_id: chatId, message_id: int }),
  memberRef: z.object({ chat_id: chatId, user_id: int }),
  unban: z.object({ chat_id: chatId, user_id: int, only_if_banned: bool.optional() }),
  createChatInviteLink: z.object({
    chat_id: chatId,
    name: z.string().max(32).optional(),
    expire_date: int.optional(),
    member_limit: int.min(1).max(99_999).optional(),
    creates_join_request: bool.optional(),
  }),
  sendInvoice: z
    .object({
      chat_id: chatId,
      title: z.string().min(1).max(32),
      description: z.string().min(1).max(255),
      payload: z.string().min(1),
      provider_token: z.string().optional(),
      currency: z.string().regex(/^[A-Z]{3}$/),
      prices: jsonOrValue(z.array(z.object({ label: z.string().min(1), amount: z.number().int() })).min(1)),
    })
    .loose(),
  answerPreCheckoutQuery: z.object({ pre_checkout_query_id: z.string().min(1), ok: bool, error_message: z.string().optional() }),
  createForumTopic: z.object({ chat_id: chatId, name: z.string().min(1).max(128), icon_color: int.optional() }).loose(),
};

function parse<T extends z.ZodType>(schema: T, params: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path[0];
  // Our own messages are Telegram's wording (codes or lower-case phrases); zod's defaults are not.
  if (/^([A-Z_]+|[a-z].*)$/.test(issue.message)) throw badRequest(issue.message);
  throw badRequest(issue.code === 'invalid_type' && params[String(field)] === undefined ? `${String(field)} is empty` : `invalid ${String(field)}`);
}

function renderText(
  source: string,
  parseMode: string | undefined,
  entities: Array<z.infer<typeof entity>> | undefined,
): { text: string; entities?: MessageEntity[] } {
  let text = source;
  let parsedEntities: MessageEntity[] | undefined = entities as MessageEntity[] | undefined;
  if (parseMode === 'HTML') {
    const parsed = parseHtml(source);
    if (!parsed.ok) throw new ApiError(400, parsed.error);
    text = parsed.text;
    parsedEntities = parsed.entities;
  } else if (parseMode) {
    throw badRequest(`can't parse entities: the simulator supports parse_mode HTML only, not ${parseMode}`);
  }
  if (!text.trim()) throw badRequest('message text is empty');
  if (text.length > TEXT_LIMIT) throw badRequest('message is too long');
  return { text, ...(parsedEntities?.length ? { entities: parsedEntities } : {}) };
}

function validateMarkup(markup: z.infer<typeof replyMarkup> | undefined): SimTgMessage['reply_markup'] | undefined {
  if (!markup || !('inline_keyboard' in markup)) return undefined;
  const keyboard = markup.inline_keyboard as Array<Array<z.infer<typeof inlineButton>>>;
  const buttons = keyboard.flat();
  if (buttons.length > MAX_BUTTONS) throw badRequest('reply markup is too long');
  for (const button of buttons) {
    if (!button.text) throw badRequest('text buttons are unallowed in the inline keyboard');
    const kinds = ['url', 'callback_data', 'switch_inline_query', 'pay', 'login_url', 'web_app', 'callback_game', 'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat'].filter(
      (kind) => (button as Record<string, unknown>)[kind] !== undefined,
    );
    if (kinds.length !== 1) throw badRequest("can't parse inline keyboard button: exactly one of the optional fields must be used");
    if (button.callback_data !== undefined) {
      const bytes = Buffer.byteLength(button.callback_data);
      if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
    }
    if (button.url !== undefined && !/^(https?|tg):\/\/\S+$/.test(button.url)) {
      throw badRequest(`inline keyboard button URL '${button.url}' is invalid: Wrong HTTP URL`);
    }
  }
  return { inline_keyboard: keyboard as NonNullable<SimTgMessage['reply_markup']>['inline_keyboard'] };
}

function botMember(rights: Partial<AdminRights> | 'member' | undefined): Member {
  return rights === 'member' ? { status: 'member' } : { status: 'administrator', rights: { ...FULL_RIGHTS, ...rights } };
}

function chatMember(user: Record<string, unknown>, member: Member): Record<string, unknown> {
  switch (member.status) {
    case 'creator':
      return { status: 'creator', user, is_anonymous: false };
    case 'administrator':
      return { status: 'administrator', user, can_be_edited: false, is_anonymous: false, ...member.rights };
    case 'kicked':
      return { status: 'kicked', user, until_date: 0 };
    default:
      return { status: member.status, user };
  }
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  if (!body) return {};
  const type = request.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  }
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  throw new Error(`unsupported content type ${type}`);
}

function withoutSimFields(message: SimTgMessage): Record<string, unknown> {
  const { fromBot: _fromBot, ...rest } = message;
  return rest;
}

const now = () => Math.floor(Date.now() / 1000);
