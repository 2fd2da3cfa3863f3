import { timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { type Context, Telegraf, type Telegram, TelegramError } from 'telegraf';
import type { BotCommand, Update } from 'telegraf/types';
import { type CommandName, isCommandName } from '../../core/commands/index.ts';
import { parseTextOptions } from '../../core/commands/text-options.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import {
  handleAction,
  handleCommand,
  handleSetup,
  handleStart,
  type Outcome,
  payloadEncoderFor,
} from '../../core/dispatch.ts';
import { describeUnexpected } from '../../core/errors.ts';
import { type Locale, type MessageKey, t, toLocale } from '../../core/i18n/index.ts';
import type { Caller } from '../../core/members/actor.ts';
import { fitsCallbackData, renderTelegramMessage, type TelegramMessage } from './render.ts';
import { updateSchema } from './update-schema.ts';

export type TelegramBotOptions = {
  token: string;
  /** Bot API base, e.g. a simulator's `http://127.0.0.1:PORT`; Telegram's own when unset. */
  apiRoot?: string | undefined;
  deps: CommandDeps;
  log: Logger;
  /** Webhook mode: Telegram POSTs updates to `url`, signed with `secret`. Polling when unset. */
  webhook?: { url: string; secret: string } | undefined;
  /** Called when polling stops on an error it cannot recover from (revoked token, a second poller). */
  onFatal?: (error: unknown) => void;
};

export type TelegramBot = {
  bot: Telegraf;
  /** Adds the webhook route to the process's HTTP server (webhook mode only). */
  mount(app: Hono): void;
  /** Learns the bot's identity, publishes its commands, then polls or sets the webhook. */
  start(): Promise<void>;
  close(): Promise<void>;
};

export const WEBHOOK_PATH = '/telegram/webhook';
const RATE_LIMIT_ATTEMPTS = 3;
const MAX_RATE_LIMIT_WAIT_S = 60;
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;
const MEMBER_COMMANDS: CommandName[] = ['courses', 'course', 'help'];

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
  const context: BotContext = { deps: options.deps, log, bot };

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
    const handling = next().catch((error: unknown) => reportFailure(context, ctx, error));
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  bot.start((ctx) =>
    ctx.chat.type === 'private'
      ? answer(context, ctx, handleStart(options.deps, callerOf(ctx), ctx.payload || undefined))
      : answer(context, ctx, handleCommand(options.deps, callerOf(ctx), 'help', {})),
  );
  bot.command('setup', async (ctx) => {
    const caller = callerOf(ctx);
    const chat = ctx.chat;
    const inGroup = chat.type === 'group' || chat.type === 'supergroup';
    const status = inGroup ? (await ctx.telegram.getChatMember(chat.id, ctx.from.id)).status : undefined;
    const facts = {
      kind: chat.type === 'supergroup' ? ('telegram_supergroup' as const) : ('telegram_group' as const),
      title: 'title' in chat ? chat.title : '',
      callerIsAdmin: status === 'creator' || status === 'administrator',
    };
    await answer(context, ctx, handleSetup(options.deps, caller, facts, parseTextOptions('setup', ctx.payload)));
  });
  bot.command(MEMBER_COMMANDS, (ctx) => {
    const name = ctx.command.toLowerCase();
    if (!isCommandName(name)) return;
    return answer(context, ctx, handleCommand(options.deps, callerOf(ctx), name, parseTextOptions(name, ctx.payload)));
  });
  bot.on('callback_query', (ctx) => onButton(context, ctx));
  // Added to a group: tell whoever added the bot what to do next.
  bot.on('my_chat_member', async (ctx) => {
    const { chat, from, old_chat_member: before, new_chat_member: after } = ctx.myChatMember;
    const joined = ['left', 'kicked'].includes(before.status) && ['member', 'administrator'].includes(after.status);
    if (!joined || chat.type === 'private' || chat.type === 'channel') return;
    await ctx.telegram.sendMessage(chat.id, t(toLocale(from.language_code) ?? 'en', 'telegram.addedToGroup'));
  });
  // Free text in a private chat gets the help; in groups the bot only listens to commands.
  bot.on('text', (ctx) => {
    if (ctx.chat.type !== 'private' || ctx.message.text.startsWith('/')) return;
    return answer(context, ctx, handleCommand(options.deps, callerOf(ctx), 'help', {}));
  });

  return {
    bot,
    mount(app) {
      const webhook = options.webhook;
      if (!webhook) return;
      const expected = Buffer.from(webhook.secret);
      app.post(WEBHOOK_PATH, async (c) => {
        const given = Buffer.from(c.req.header('x-telegram-bot-api-secret-token') ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          log.warn('webhook call with a wrong or missing secret token dropped');
          return c.json({ error: 'forbidden' }, 403);
        }
        const body: unknown = await c.req.json().catch(() => undefined);
        const parsed = updateSchema.safeParse(body);
        if (!parsed.success) return c.json({ error: 'not a Telegram update' }, 400);
        await bot.handleUpdate(parsed.data as unknown as Update);
        return c.json({ ok: true });
      });
    },
    async start() {
      bot.botInfo = await bot.telegram.getMe();
      await publishCommands(bot);
      if (options.webhook) {
        await bot.telegram.setWebhook(options.webhook.url, {
          secret_token: options.webhook.secret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
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
      await Promise.allSettled([...inFlight]);
    },
  };
}

type BotContext = { deps: CommandDeps; log: Logger; bot: Telegraf };

function callerOf(ctx: Context): Caller {
  const from = ctx.from;
  const chat = ctx.chat ?? ctx.callbackQuery?.message?.chat;
  if (!from) throw new Error('update without a sender');
  return {
    platform: 'telegram',
    userId: String(from.id),
    displayName: [from.first_name, from.last_name].filter(Boolean).join(' '),
    username: from.username,
    locale: from.language_code,
    spaceId: chat && chat.type !== 'private' ? String(chat.id) : undefined,
  };
}

const localeOf = (ctx: Context, outcome?: Outcome): Locale =>
  outcome?.actor?.locale ?? toLocale(ctx.from?.language_code) ?? 'en';

/** Group listings and anything confidential belong in the member's private chat. */
const belongsInPrivate = (outcome: Outcome) => Boolean(outcome.reply.long || outcome.reply.confidential);

/**
 * Sends a command's reply. In a group, what belongs in private goes to the member's private
 * chat, with a short note in the group; if the member never opened a private chat with the bot
 * (Telegram forbids the bot to start one), the note carries a deep link that does.
 */
async function answer(context: BotContext, ctx: Context, pending: Promise<Outcome>): Promise<void> {
  const outcome = await pending;
  const chat = ctx.chat;
  const from = ctx.from;
  if (!chat || !from) return;
  const message = await render(context, outcome);
  const replyTo = ctx.message ? { reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true } } : {};
  if (chat.type === 'private' || !belongsInPrivate(outcome)) {
    await ctx.telegram.sendMessage(chat.id, message.text, { ...htmlOptions(message), ...(chat.type === 'private' ? {} : replyTo) });
    return;
  }
  const locale = localeOf(ctx, outcome);
  const name = from.first_name;
  if (await sendPrivately(ctx, from.id, message)) {
    await ctx.telegram.sendMessage(chat.id, t(locale, 'telegram.sentPrivately', { name }), replyTo);
    return;
  }
  await ctx.telegram.sendMessage(chat.id, t(locale, 'telegram.startPrivately', { name }), {
    ...replyTo,
    reply_markup: { inline_keyboard: [[{ text: t(locale, 'telegram.openPrivateChat'), url: startLink(context, outcome) }]] },
  });
}

/**
 * A pressed inline button: the message is edited in place and the press acknowledged. Errors
 * (a forged or stale payload) leave the message alone and show as an alert to the presser only.
 * On a group message, an answer that belongs in private goes to the presser's private chat
 * instead of replacing what the whole group sees.
 */
async function onButton(context: BotContext, ctx: Context): Promise<void> {
  const query = ctx.callbackQuery;
  if (!query) return;
  const data = 'data' in query ? query.data : '';
  const outcome = await handleAction(context.deps, callerOf(ctx), data);
  if (outcome.error) {
    context.log.info({ error: outcome.error.code, chatId: ctx.chat?.id }, 'refused');
    await ctx.answerCbQuery(alertText(outcome), { show_alert: true });
    return;
  }
  const message = await render(context, outcome);
  const inGroup = Boolean(ctx.chat && ctx.chat.type !== 'private');
  if (!query.message || (inGroup && belongsInPrivate(outcome))) {
    const locale = localeOf(ctx, outcome);
    if (await sendPrivately(ctx, query.from.id, message)) {
      await ctx.answerCbQuery(t(locale, 'telegram.sentPrivately', { name: query.from.first_name }));
    } else {
      // Telegram opens t.me links to this bot from a callback answer: the private chat, started.
      await ctx.answerCbQuery(undefined, { url: startLink(context, outcome) });
    }
    return;
  }
  try {
    await ctx.editMessageText(message.text, htmlOptions(message));
  } catch (error) {
    // A double press asks for what is already shown; that is not a failure.
    if (!(error instanceof TelegramError && error.description.includes('message is not modified'))) throw error;
  }
  await ctx.answerCbQuery();
}

async function render(context: BotContext, outcome: Outcome): Promise<TelegramMessage> {
  return renderTelegramMessage(outcome.reply, await payloadEncoderFor(context.deps, outcome, fitsCallbackData));
}

/** Sends to the member's private chat; false when Telegram forbids it (never started, blocked). */
async function sendPrivately(ctx: Context, userId: number, message: TelegramMessage): Promise<boolean> {
  try {
    await ctx.telegram.sendMessage(userId, message.text, htmlOptions(message));
    return true;
  } catch (error) {
    if (error instanceof TelegramError && error.code === 403) return false;
    throw error;
  }
}

const htmlOptions = (message: TelegramMessage) => ({
  parse_mode: 'HTML' as const,
  ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
});

/** Opens the private chat with the bot about the actor's community. */
function startLink(context: BotContext, outcome: Outcome): string {
  const payload = outcome.actor?.communitySlug;
  return `https://t.me/${context.bot.botInfo?.username ?? ''}${payload ? `?start=${payload}` : ''}`;
}

/** Callback alerts show at most 200 characters of plain text. */
function alertText(outcome: Outcome): string {
  const text = [outcome.reply.title, outcome.reply.body].filter(Boolean).join('\n');
  return Array.from(text).length <= 200 ? text : `${Array.from(text).slice(0, 199).join('')}…`;
}

async function reportFailure(context: BotContext, ctx: Context, error: unknown): Promise<void> {
  context.log.error({ err: error, updateId: ctx.update.update_id }, 'telegram update failed');
  const apology = describeUnexpected(localeOf(ctx)).body ?? '';
  try {
    if (ctx.callbackQuery) await ctx.answerCbQuery(apology, { show_alert: true });
    else if (ctx.chat) await ctx.telegram.sendMessage(ctx.chat.id, apology);
  } catch (sendError) {
    context.log.warn({ err: sendError, updateId: ctx.update.update_id }, 'could not report the failure to the user');
  }
}

/** The command menu, per language; group admins also see /setup. */
async function publishCommands(bot: Telegraf): Promise<void> {
  const describe = (locale: Locale, names: string[]): BotCommand[] =>
    names.map((command) => ({ command, description: t(locale, `command.${command}` as MessageKey) }));
  for (const [locale, languageCode] of [['en', undefined], ['zh', 'zh']] as const) {
    const language = languageCode ? { language_code: languageCode } : {};
    await bot.telegram.setMyCommands(describe(locale, MEMBER_COMMANDS), { scope: { type: 'default' }, ...language });
    await bot.telegram.setMyCommands(describe(locale, [...MEMBER_COMMANDS, 'setup']), {
      scope: { type: 'all_chat_administrators' },
      ...language,
    });
  }
}

/**
 * Telegram answers 429 with how long to wait; telegraf does not retry by itself. A 429 means
 * the call was not carried out, so retrying it cannot duplicate a message. (Polling retries
 * getUpdates on its own.)
 */
function retryRateLimited(telegram: Telegram, log: Logger): void {
  const callApi = telegram.callApi.bind(telegram);
  telegram.callApi = (async (method: string, payload: unknown, callOptions: unknown) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await (callApi as (m: string, p: unknown, o: unknown) => Promise<unknown>)(method, payload, callOptions);
      } catch (error) {
        const retryAfter = error instanceof TelegramError && error.code === 429 ? error.parameters?.retry_after : undefined;
        if (method === 'getUpdates' || retryAfter === undefined || attempt >= RATE_LIMIT_ATTEMPTS || retryAfter > MAX_RATE_LIMIT_WAIT_S) {
          throw error;
        }
        log.warn({ method, retryAfter, attempt }, 'rate limited by Telegram; retrying');
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      }
    }
  }) as typeof telegram.callApi;
}
