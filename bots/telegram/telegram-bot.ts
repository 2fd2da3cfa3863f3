import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { CommandDeps } from '../../core/commands/index.ts';
import { mountButtons } from './buttons.ts';
import { mountChatMembers } from './chat-members.ts';
import { mountChats } from './chats.ts';
import { mountCommands, publishCommands } from './commands.ts';
import type { BotContext } from './context.ts';
import { mountForms } from './forms.ts';
import { mountJoinRequests } from './join-requests.ts';
import { mountPayments } from './payments.ts';
import { inOrderPerKey } from '../in-order.ts';
import { retryRateLimited } from './rate-limit.ts';
import { reportFailure } from './replies.ts';
import { mountSetup } from './setup.ts';
import { mountSupport } from './support.ts';
import { updateSchema } from './update-schema.ts';
import { createTelegramUpdateQueue, type TelegramUpdateQueue } from './update-queue.ts';
import { mountWebhook } from './webhook.ts';
import type { RedisConnection } from '../../workers/redis.ts';

export type TelegramBotOptions = {
  token: string;
  /** Bot API base, e.g. a simulator's `http://127.0.0.1:PORT`; Telegram's own when unset. */
  apiRoot?: string | undefined;
  deps: CommandDeps;
  log: Logger;
  /**
   * Webhook mode: Telegram POSTs updates to `url`, signed with `secret`, and they are handled
   * through the Redis queue that every replica drains (see update-queue.ts). Polling when unset.
   */
  webhook?: { url: string; secret: string; queue: { redis: RedisConnection; prefix: string; lockMs: number; concurrency: number } } | undefined;
  /** Called when polling stops on an error it cannot recover from (revoked token, a second poller). */
  onFatal?: (error: unknown) => void;
};

export type TelegramBot = {
  bot: Telegraf;
  /** Adds the webhook route to the process's HTTP server (webhook mode only). */
  mount(app: Hono): void;
  /** Learns the bot's identity, publishes its commands, then polls or sets the webhook. */
  start(): Promise<void>;
  /** Webhook mode: stop and restart draining queued updates (a dependency down and back). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
};

export { WEBHOOK_PATH } from './webhook.ts';
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member', 'chat_member', 'pre_checkout_query', 'chat_join_request'] as const;

/**
 * The Telegram front door: one bot serving every group and private chat. Commands arrive as
 * text (`/courses python`, `/course@lyceum_bot rust-basics`), buttons as callback queries that
 * edit their message in place. Holds no catalog or community logic of its own.
 */
export function createTelegramBot(options: TelegramBotOptions): TelegramBot {
  const log = options.log.child({ platform: 'telegram' });
  const bot = new Telegraf(options.token, {
    // webhookReply would write the first API call into the webhook's HTTP answer, unconfirmed.
    telegram: { webhookReply: false, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}) },
  });
  retryRateLimited(bot.telegram, log);
  const inFlight = new Set<Promise<unknown>>();
  const serial = inOrderPerKey();
  const context: BotContext = { deps: options.deps, log, bot };
  // Updates the queue hands over: handled before handleUpdate resolves (the queue keeps their order).
  const queued = new WeakSet<object>();

  // Updates are checked first, then handled without holding up the next ones: one slow chat
  // must not stall every community the bot serves. close() waits for what is in flight.
  bot.use((ctx, next) => {
    const parsed = updateSchema.safeParse(ctx.update);
    if (!parsed.success) {
      log.warn({ updateId: (ctx.update as { update_id?: unknown }).update_id, issues: parsed.error.issues.length }, 'malformed update dropped');
      return;
    }
    // telegraf gives every update a Telegram client of its own, so each one is wrapped too.
    retryRateLimited(ctx.telegram, log);
    // Side by side across chats, but in arrival order within one chat (a member's messages to staff keep their order).
    const chatId = ctx.chat?.id;
    const run = () => next().catch((error: unknown) => reportFailure(context, ctx, error));
    if (queued.has(ctx.update)) return run();
    const handling = chatId === undefined ? run() : serial(String(chatId), run);
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  mountCommands(bot, context);
  mountSetup(bot, context);
  mountButtons(bot, context);
  mountPayments(bot, context);
  mountJoinRequests(bot, context);
  mountChatMembers(bot, context);
  mountChats(bot, context);
  mountForms(bot, context);
  mountSupport(bot, context);

  const updates: TelegramUpdateQueue | undefined = options.webhook
    ? createTelegramUpdateQueue({
        ...options.webhook.queue,
        log,
        handle: async (update) => {
          queued.add(update);
          await bot.handleUpdate(update as unknown as Update);
        },
      })
    : undefined;

  return {
    bot,
    pause: async () => {
      await updates?.pause();
    },
    resume: async () => {
      await updates?.resume();
    },
    mount(app) {
      if (options.webhook && updates) mountWebhook(app, updates.accept, options.webhook.secret, log);
    },
    async start() {
      bot.botInfo = await bot.telegram.getMe();
      await publishCommands(bot);
      if (options.webhook) {
        await bot.telegram.setWebhook(options.webhook.url, {
          secret_token: options.webhook.secret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        updates?.run();
        log.info({ username: bot.botInfo.username }, 'connected to Telegram (webhook)');
        return;
      }
      await new Promise<void>((resolve, reject) => {
        bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }, resolve).catch((error: unknown) => {
          log.error({ err: error }, 'telegram polling stopped');
          reject(error);
          options.onFatal?.(error);
        });
      });
      log.info({ username: bot.botInfo.username }, 'connected to Telegram (polling)');
    },
    async close() {
      try {
        bot.stop('shutdown');
      } catch {
        // Not polling (webhook mode or never started): nothing to stop.
      }
      await updates?.close();
      await Promise.allSettled([...inFlight]);
    },
  };
}
