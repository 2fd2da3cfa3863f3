/**
 * A local Telegram Bot API for the real telegraf client (`telegram.apiRoot`), for e2e tests and
 * demos. It keeps users, groups and messages, delivers updates by long polling or webhook (with
 * redelivery), validates calls like the Bot API (limits, HTML entities, rights, private-chat
 * rules, Stars invoices, invite links, bans, migrated groups, forum topics) and answers errors
 * in its shapes and words. Scripted users act as members and payers; every call is recorded,
 * and failures (429, 5xx, 403, 400) can be injected. No test-runner imports: demos use it too.
 * Bots send documents, photos, audio and video (uploads, file_ids, URLs) and download what users
 * send them (getFile and /file/bot<token>/<path>). Telegram's flood limits (30 messages a second,
 * 1 a second per chat, 20 a minute per group) answer 429 when `floodLimits` is on; paid broadcasts
 * draw on the bot's Star balance; `sendRate()` reads back how fast the bot sent.
 *
 * Files: server (HTTP, multipart), updates (getUpdates/webhook), state + model (the world), one
 * file per resource (messages, callbacks, commands, chats, topics, members, invite-links,
 * payments, stars, media + files + user-files + file-kinds), flood-limits + send-rate,
 * scripted-user, errors, validation, html.
 */
import { randomBytes } from 'node:crypto';
import { callbackMethods } from './callbacks.ts';
import { addBot, chatMethods, createGroup, createUser, type GroupInput, migrateToSupergroup } from './chats.ts';
import { commandMethods, menuKey } from './commands.ts';
import { FailureInjector } from './errors.ts';
import type { SimMediaSend, SimStoredFile, SimUploadStats } from './file-types.ts';
import { snapshot } from './files.ts';
import { FloodLimiter } from './flood-limits.ts';
import { inviteLinkMethods } from './invite-links.ts';
import { mediaMethods } from './media.ts';
import { memberMethods } from './members.ts';
import { messageMethods } from './messages.ts';
import { paymentMethods } from './payments.ts';
import { scriptedUser } from './scripted-user.ts';
import { sendRate } from './send-rate.ts';
import { ApiServer } from './server.ts';
import { chargeSnapshot, renewStarSubscription, starMethods } from './stars.ts';
import { type BotUser, SimState } from './state.ts';
import { topicMethods, topicSnapshots } from './topics.ts';
import { UpdateQueue } from './updates.ts';
import type {
  AdminRights,
  FailRule,
  PaymentAttempt,
  RecordedCall,
  ScriptedTelegramUser,
  SimChat,
  SimForumTopic,
  SimPaidBroadcastStats,
  SimSendRate,
  SimStarCharge,
  SimTgMessage,
  SimTgUser,
  TelegramSimOptions,
  WebhookState,
} from './types.ts';

export type * from './types.ts';
export type { GroupInput } from './chats.ts';
export { SimUserError } from './errors.ts';

export async function startTelegramSim(options: TelegramSimOptions = {}) {
  const sim = new TelegramSim(options);
  await sim.listen();
  return sim;
}

export class TelegramSim {
  readonly token: string;
  readonly bot: BotUser;
  readonly calls: RecordedCall[] = [];
  /** The webhook the bot set, and every delivery attempt (status 0 when it never answered). */
  readonly webhook: WebhookState;
  /** Every checkout a scripted user went through, with its outcome. */
  readonly paymentAttempts: PaymentAttempt[];
  apiRoot = '';

  private readonly state: SimState;
  private readonly updates: UpdateQueue;
  private readonly failures = new FailureInjector();
  private readonly floodLimiter: FloodLimiter;
  private readonly server: ApiServer;

  constructor(options: TelegramSimOptions = {}) {
    const botId = 7_000_000_001;
    this.token = options.token ?? `${botId}:${randomBytes(26).toString('base64url').slice(0, 35)}`;
    this.bot = { id: Number(this.token.split(':')[0]), is_bot: true, first_name: options.botName ?? 'Lyceum', username: options.botUsername ?? 'lyceum_sim_bot' };
    this.updates = new UpdateQueue({ retryDelayMs: options.webhookRetryDelayMs ?? 1_000, timeoutMs: options.webhookTimeoutMs ?? 10_000 });
    this.webhook = this.updates.webhook;
    this.state = new SimState(
      this.bot,
      this.updates,
      { preCheckoutTimeoutMs: options.preCheckoutTimeoutMs ?? 10_000, callbackQueryTtlMs: options.callbackQueryTtlMs ?? 15_000 },
      options.privacyMode ?? false,
    );
    this.paymentAttempts = this.state.paymentAttempts;
    this.floodLimiter = new FloodLimiter(options.floodLimits, options.botStarBalance ?? 0, (chatId) => this.isGroup(chatId));
    const methods = {
      ...this.updates.methods,
      ...commandMethods(this.state),
      ...messageMethods(this.state),
      ...callbackMethods(this.state),
      ...chatMethods(this.state),
      ...topicMethods(this.state),
      ...memberMethods(this.state),
      ...inviteLinkMethods(this.state),
      ...paymentMethods(this.state),
      ...starMethods(this.state),
      ...mediaMethods(this.state),
      ...this.state.files.methods,
    };
    const download = (filePath: string) => this.state.files.download(filePath);
    this.server = new ApiServer({ token: this.token, methods, calls: this.calls, failures: this.failures, floodLimiter: this.floodLimiter, download });
  }

  async listen(): Promise<void> {
    this.apiRoot = await this.server.listen();
  }

  async close(): Promise<void> {
    this.state.close();
    this.updates.close();
    await this.server.close();
  }

  // ---- world -------------------------------------------------------------------------------

  createUser(input: { firstName: string; username?: string; languageCode?: string; startedBot?: boolean }): SimTgUser {
    return createUser(this.state, input);
  }

  /** A group (basic by default), supergroup or channel with its creator, admins (full rights) and members; the bot is an admin unless `botRights` says otherwise. */
  createGroup(input: GroupInput): SimChat {
    return createGroup(this.state, input);
  }

  /** Upgrades a basic group to a supergroup (by its creator unless `byUserId`); returns the new chat. */
  migrateToSupergroup(chatId: number, options: { byUserId?: number } = {}): SimChat {
    return migrateToSupergroup(this.state, chatId, options.byUserId);
  }

  /** Adds the bot to a chat as `userId` (an admin there) would; see also `user(id).addBot`. */
  addBot(userId: number, chatId: number, rights?: Partial<AdminRights> | 'member'): void {
    addBot(this.state, userId, chatId, rights);
  }

  user(userId: number): ScriptedTelegramUser {
    return scriptedUser(this.state, userId);
  }

  /** Telegram renews a Stars subscription (any of its charge ids): a new successful_payment with is_recurring. */
  renewStarSubscription(input: { chargeId: string }): SimTgMessage {
    return renewStarSubscription(this.state, input.chargeId);
  }

  /** Every charge Telegram holds for the bot, refunded or not, with its subscription if any. */
  starCharges(): SimStarCharge[] {
    return [...this.state.charges.values()].map(chargeSnapshot);
  }

  /** The member's status in a chat as the simulator holds it (`left` when unknown). */
  memberStatus(chatId: number, userId: number): string {
    return this.state.chatState(chatId).members.get(userId)?.status ?? 'left';
  }

  /** Users waiting for approval in a chat. */
  pendingJoinRequests(chatId: number): number[] {
    return [...this.state.chatState(chatId).joinRequests.keys()];
  }

  /** Snapshots: later edits must not change what a test already holds. */
  messages(chatId: number): SimTgMessage[] {
    return structuredClone(this.state.chatState(chatId).messages);
  }

  privateChatMessages(userId: number): SimTgMessage[] {
    return this.messages(userId);
  }

  /** A forum's topics, open or closed, in the order they were created. */
  topics(chatId: number): SimForumTopic[] {
    return topicSnapshots(this.state.chatState(chatId));
  }

  /** The messages of one forum topic, its forum_topic_created message first. */
  topicMessages(chatId: number, threadId: number): SimTgMessage[] {
    return this.messages(chatId).filter((message) => message.is_topic_message && message.message_thread_id === threadId);
  }

  /** The documents, photos, audio and video the bot sent, in order (refused calls: `callsTo`). */
  mediaSends(method?: SimMediaSend['method']): SimMediaSend[] {
    return this.state.files.sends.filter((send) => !method || send.method === method).map((send) => ({ ...send }));
  }

  /** How many uploads (and bytes) went up through this bot; re-sends by file_id add nothing. */
  uploadStats(): SimUploadStats {
    return this.state.files.uploadStats();
  }

  /** A file this bot holds by file_id (sent by a user or by the bot), with its bytes; undefined for any other. */
  file(fileId: string): SimStoredFile | undefined {
    const entry = this.state.files.lookup(fileId);
    return entry && snapshot(entry);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  failNext(rule: FailRule, times = 1): void {
    this.failures.add(rule, times);
  }

  /** How fast the bot sent and edited (calls from `since`, ms); read it once the bot's calls are answered. */
  sendRate(options: { since?: number } = {}): SimSendRate {
    return sendRate(this.calls, (chatId) => this.isGroup(chatId), options.since);
  }

  /** Paid broadcast messages so far, the Stars they cost (0.1 each) and the balance left. */
  paidBroadcastStats(): SimPaidBroadcastStats {
    return this.floodLimiter.paidBroadcastStats();
  }

  /** Sets the bot's Star balance for paid broadcasts (to 0.1 Star); see `botStarBalance`. */
  setBotStarBalance(stars: number): void {
    this.floodLimiter.setStarBalance(stars);
  }

  /**
   * The first bot message in the chat sent after the latest scripted action there (an action
   * also counts for the actor's private chat) and not returned before.
   */
  async waitForBotMessage(
    chatId: number,
    options: { predicate?: (message: SimTgMessage) => boolean; timeoutMs?: number } = {},
  ): Promise<SimTgMessage> {
    const state = this.state.chatState(chatId);
    return this.state.waitUntil(options.timeoutMs ?? 5_000, `a bot message in chat ${chatId}`, () => {
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
    const state = this.state.chatState(chatId);
    return this.state.waitUntil(options.timeoutMs ?? 5_000, `an edit of message ${messageId} in chat ${chatId}`, () => {
      const edits = state.edits.get(messageId) ?? 0;
      if (edits <= (state.seenEdits.get(messageId) ?? 0)) return undefined;
      state.seenEdits.set(messageId, edits);
      const message = state.messages.find((candidate) => candidate.message_id === messageId);
      return message && structuredClone(message);
    });
  }

  /** The command menu published for a scope and language (`default` scope, no language by default). */
  commandMenu(scope = 'default', languageCode = ''): unknown[] | undefined {
    return this.state.commandMenus.get(menuKey(scope, languageCode));
  }

  /** Groups, supergroups and channels: the chats Telegram allows 20 bot messages a minute. */
  private isGroup(chatId: number): boolean {
    const type = this.state.chats.get(chatId)?.chat.type;
    return type === 'group' || type === 'supergroup' || type === 'channel';
  }
}
