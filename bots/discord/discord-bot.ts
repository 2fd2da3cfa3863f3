import { Client, Events, GatewayIntentBits, Partials, Status } from 'discord.js';
import type { Logger } from 'pino';
import type { DiscordShards } from '../../core/config.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import { mountAutocomplete } from './autocomplete.ts';
import { mountCommandRegistration, redisRegistrationMarks } from './command-registration.ts';
import { RedisIdentifyThrottler } from './identify-throttler.ts';
import { mountComponents } from './components.ts';
import { mountForms } from './forms.ts';
import type { BotContext } from './context.ts';
import { mountSupportMessages } from './support-messages.ts';
import { mountMembers } from './members.ts';
import { mountSlashCommands } from './slash-commands.ts';
import type { RedisConnection } from '../../workers/redis.ts';

export type DiscordBotOptions = {
  token: string;
  applicationId: string;
  /** REST base, e.g. a simulator's `http://127.0.0.1:PORT/api`; Discord's own when unset. */
  apiUrl?: string | undefined;
  deps: CommandDeps;
  log: Logger;
  /**
   * Discord fails an interaction not acknowledged within 3 s. Work still running after this long
   * is deferred first (the user sees "thinking...") and the answer edited in when ready.
   */
  deferAfterMs?: number;
  /** This process's shards; `auto` (the default): every shard Discord recommends. */
  shards?: DiscordShards;
  /**
   * Shared by every bots process of the deployment: identify pacing across processes and
   * registering commands once per guild. Without it this process assumes it is alone.
   */
  coordination?: { redis: RedisConnection; prefix: string };
};

export type DiscordBot = {
  client: Client;
  /** Resolves once connected and the commands of every guild present at start are registered. */
  ready: Promise<void>;
  /** This process's shards and which of them are connected now (for /readyz). */
  shardStatus(): { expected: number[]; connected: number[] };
  close(): Promise<void>;
};

const DEFAULT_DEFER_AFTER_MS = 2_000;

/**
 * The Discord front door: one gateway connection serving every guild that installed the bot.
 * Each feature (slash commands, buttons and selects, autocomplete, DMs, command registration)
 * is mounted from its own file; they translate events into core calls and core's Replies into
 * messages, and hold no catalog or community logic of their own.
 */
export async function startDiscordBot(options: DiscordBotOptions): Promise<DiscordBot> {
  const log = options.log.child({ platform: 'discord' });
  const coordination = options.coordination;
  const context: BotContext = { deps: options.deps, log, deferAfterMs: options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS };
  const client = new Client({
    // DMs arrive on uncached channels, hence the Channel partial. GuildMembers (privileged: turn
    // on "Server Members Intent" for the app) tells us when a buyer joins or comes back.
    // GuildMessages and MessageContent (privileged: "Message Content Intent") carry what staff
    // write in ticket threads and what members say to the bot by @mention.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.DirectMessages, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    partials: [Partials.Channel, Partials.GuildMember],
    ...(options.apiUrl ? { rest: { api: options.apiUrl } } : {}),
    ...shardOptions(options.shards ?? 'auto'),
    ...(coordination ? { ws: { buildIdentifyThrottler: (manager) => RedisIdentifyThrottler.build(manager, coordination.redis, coordination.prefix) } } : {}),
  });

  const marks = coordination ? redisRegistrationMarks(coordination.redis, coordination.prefix) : undefined;
  const register = mountCommandRegistration(client, context, options.applicationId, marks);
  mountSlashCommands(client, context);
  mountComponents(client, context);
  mountForms(client, context);
  mountAutocomplete(client, context);
  mountSupportMessages(client, context);
  mountMembers(client, context);
  client.rest.on('rateLimited', (info) => log.warn({ route: info.route, retryAfter: info.retryAfter }, 'rate limited by Discord'));
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));

  const ready = new Promise<void>((resolve) => {
    client.once(Events.ClientReady, async (ready) => {
      log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size, shards: client.options.shards, shardCount: client.options.shardCount }, 'connected to Discord');
      for (const guild of ready.guilds.cache.values()) await register(guild);
      resolve();
    });
  });
  await client.login(options.token);
  return {
    client,
    ready,
    shardStatus: () => ({
      expected: Array.isArray(client.options.shards) ? client.options.shards : [],
      connected: [...client.ws.shards.values()].filter((shard) => shard.status === Status.Ready).map((shard) => shard.id),
    }),
    close: async () => {
      await client.destroy();
    },
  };
}

function shardOptions(shards: DiscordShards): { shards: 'auto' | number[]; shardCount?: number } {
  return shards === 'auto' ? { shards: 'auto' } : { shards: shards.ids, shardCount: shards.count };
}
