import { z } from 'zod';
import { err, ok, type Result } from './result.ts';
import { type DataKeys, parseDataKeys } from './safety/sealed-values.ts';

const url = (protocols: string[], expected: string) =>
  z
    .string()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be ${expected}`);

const secret = (expected: string) => z.string().trim().min(1, `must be ${expected}`);
/** `host:port,host:port`: the sentinels, or a cluster's nodes. */
const hostPorts = (what: string) =>
  z.string().transform((text, ctx) => {
    const entries = text.split(',').map((entry) => /^([\w.-]+):(\d{1,5})$/.exec(entry.trim()));
    if (entries.every((match) => match && Number(match[2]) <= 65535)) return entries.map((match) => ({ host: match![1]!, port: Number(match![2]) }));
    ctx.addIssue({ code: 'custom', message: `must be host:port of each ${what}, comma-separated` });
    return z.NEVER;
  });
const positiveInt = (fallback: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from 1 to ${max}` })
    .int(`must be a whole number from 1 to ${max}`)
    .min(1, `must be a whole number from 1 to ${max}`)
    .max(max, `must be a whole number from 1 to ${max}`)
    .default(fallback);

/**
 * Every environment variable Lyceum reads. Nothing else in the code base reads `process.env`;
 * the entry point parses it once and passes the typed result down.
 */
const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test'], {
      error: 'must be development, production or test',
    }).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }).default('info'),
    DATA_DIR: z.string().min(1, 'must be a directory path').default('.data'),
    DATABASE_URL: url(['postgres:', 'postgresql:'], 'a postgres:// or postgresql:// URL').optional(),
    /** A read-only replica (streaming replication) the reports read from; DATABASE_URL when unset. */
    DATABASE_REPLICA_URL: url(['postgres:', 'postgresql:'], 'a postgres:// or postgresql:// URL of a read-only replica').optional(),
    /** Postgres itself when DATABASE_URL is a transaction-mode pooler: migrations hold a session lock. */
    DATABASE_DIRECT_URL: url(['postgres:', 'postgresql:'], 'a postgres:// or postgresql:// URL of the server itself (not a pooler)').optional(),
    REDIS_URL: url(['redis:', 'rediss:'], 'a redis:// or rediss:// URL').optional(),
    /** Redis through Sentinel instead of REDIS_URL: the sentinels' host:port list, comma-separated. */
    REDIS_SENTINELS: hostPorts('sentinel').optional(),
    /** A Redis Cluster instead of REDIS_URL: some of its nodes' host:port, comma-separated (the rest are discovered). */
    REDIS_CLUSTER_NODES: hostPorts('cluster node').optional(),
    /** The master's name the sentinels monitor (`sentinel monitor <name> ...`). */
    REDIS_SENTINEL_NAME: z.string().regex(/^[\w.-]{1,64}$/, 'must be the monitored master name').default('lyceum'),
    /** The password of the Redis master and replicas behind the sentinels (and of the sentinels, unless REDIS_SENTINEL_PASSWORD), or of the cluster's nodes. */
    REDIS_PASSWORD: secret('the Redis password').optional(),
    REDIS_SENTINEL_PASSWORD: secret('the sentinels\' password').optional(),
    HTTP_HOST: z.string().min(1, 'must be a host name or IP address').default('127.0.0.1'),
    HTTP_PORT: z.coerce
      .number({ error: 'must be a TCP port from 0 to 65535' })
      .int('must be a TCP port from 0 to 65535')
      .min(0, 'must be a TCP port from 0 to 65535')
      .max(65535, 'must be a TCP port from 0 to 65535')
      .default(3000),
    PUBLIC_URL: url(['https:', 'http:'], 'an http(s):// URL where this server is reachable').optional(),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 characters of a-z, 0-9, _ or -')
      .default('lyceum'),
    WORKER_CONCURRENCY: positiveInt(4, 256),
    WORKER_LOCK_MS: positiveInt(30_000, 600_000).pipe(z.number().min(1_000, 'must be at least 1000 (one second)')),
    SHUTDOWN_TIMEOUT_MS: positiveInt(15_000, 600_000),
    DISCORD_TOKEN: secret('the bot token from the Discord developer portal').optional(),
    DISCORD_APP_ID: z.string().regex(/^\d{17,20}$/, 'must be the numeric application id (a snowflake)').optional(),
    DISCORD_API_URL: url(['https:', 'http:'], 'an http(s):// URL of the Discord REST API').optional(),
    /** Unsolicited DMs (opted-in announcements, lessons) per minute: Discord quarantines bots that mass-DM. */
    DISCORD_DMS_PER_MINUTE: positiveInt(10, 3_000),
    /** The bot's total shard count, or `auto` (what GET /gateway/bot recommends, all in this process). */
    DISCORD_SHARDS: z
      .union([z.literal('auto'), z.coerce.number().int().min(1).max(16_384)], { error: 'must be auto or a whole number of shards from 1 to 16384' })
      .default('auto'),
    /** The shards this process runs, e.g. `0-3` or `0,2`; all of DISCORD_SHARDS when unset. */
    DISCORD_SHARD_IDS: z
      .string()
      .transform((text, ctx) => {
        const ids = parseShardIds(text);
        if (ids) return ids;
        ctx.addIssue({ code: 'custom', message: 'must be shard ids and ranges such as 0-3 or 0,2,5' });
        return z.NEVER;
      })
      .optional(),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[\w-]{20,}$/, 'must be a bot token from @BotFather, like 123456:ABC-DEF...')
      .optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[\w-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ or -')
      .optional(),
    TELEGRAM_API_ROOT: url(['https:', 'http:'], 'an http(s):// URL of the Telegram Bot API').optional(),
    STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret key (sk_test_... or sk_live_...)').optional(),
    STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_\w+$/, 'must be a Stripe webhook signing secret (whsec_...)').optional(),
    STRIPE_API_URL: url(['https:', 'http:'], 'an http(s):// URL of the Stripe API').optional(),
    OPENAI_API_KEY: secret('an OpenAI API key').optional(),
    OPENAI_BASE_URL: url(['https:', 'http:'], 'an http(s):// URL of an OpenAI-compatible API').optional(),
    OPENAI_MODEL: z.string().min(1, 'must be a model name').default('gpt-4o-mini'),
    S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 characters of a-z, 0-9, . or -)').optional(),
    S3_REGION: z.string().regex(/^[a-z0-9-]{2,32}$/, 'must be a region name such as us-east-1').default('us-east-1'),
    S3_ENDPOINT: url(['https:', 'http:'], 'an http(s):// URL of an S3-compatible server (MinIO, R2, ...)').optional(),
    S3_ACCESS_KEY_ID: secret('an S3 access key id').optional(),
    S3_SECRET_ACCESS_KEY: secret('an S3 secret access key').optional(),
    DATA_ENCRYPTION_KEY: z
      .string()
      .transform((text, ctx) => {
        const keys = parseDataKeys(text);
        if (!('error' in keys)) return keys;
        ctx.addIssue({ code: 'custom', message: `must be <id>:<base64 of 32 bytes>[,<older id>:<key>...]: ${keys.error}` });
        return z.NEVER;
      })
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.DATA_ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['DATA_ENCRYPTION_KEY'], message: 'must be set in production (the key that seals support messages and customer ids)' });
    }
    const redisWays = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter((name) => env[name]);
    if (redisWays.length > 1) {
      ctx.addIssue({ code: 'custom', path: [redisWays[1]!], message: `must not be set together with ${redisWays[0]} (one way to reach Redis)` });
    }
    if (env.DISCORD_SHARD_IDS) {
      if (env.DISCORD_SHARDS === 'auto') {
        ctx.addIssue({ code: 'custom', path: ['DISCORD_SHARDS'], message: 'must be the total shard count when DISCORD_SHARD_IDS is set' });
      } else if (env.DISCORD_SHARD_IDS.some((id) => id >= (env.DISCORD_SHARDS as number))) {
        ctx.addIssue({ code: 'custom', path: ['DISCORD_SHARD_IDS'], message: `must be ids below DISCORD_SHARDS (${env.DISCORD_SHARDS})` });
      }
    }
    const pairs: Array<[keyof typeof env, keyof typeof env]> = [
      ['DATABASE_DIRECT_URL', 'DATABASE_URL'],
      ['DATABASE_REPLICA_URL', 'DATABASE_URL'],
      ['DISCORD_TOKEN', 'DISCORD_APP_ID'],
      ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'],
      ['S3_BUCKET', 'S3_ACCESS_KEY_ID'],
      ['S3_BUCKET', 'S3_SECRET_ACCESS_KEY'],
      ['S3_ACCESS_KEY_ID', 'S3_BUCKET'],
    ];
    for (const [a, b] of pairs) {
      if (env[a] !== undefined && env[b] === undefined) {
        ctx.addIssue({ code: 'custom', path: [b], message: `must be set when ${a} is set` });
      }
    }
    if (env.TELEGRAM_BOT_TOKEN && env.PUBLIC_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'must be set when TELEGRAM_BOT_TOKEN and PUBLIC_URL are set (webhook mode)',
      });
    }
  });

type Env = z.infer<typeof envSchema>;

/** A Redis Cluster: the nodes to start from, and the password every node requires. */
export type RedisClusterNodes = { nodes: Array<{ host: string; port: number }>; password: string | undefined };

export type RedisSentinel = {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
  password: string | undefined;
  sentinelPassword: string | undefined;
};

/** `auto`: every shard Discord recommends, in this process; else this process's part of `count`. */
export type DiscordShards = 'auto' | { count: number; ids: number[] };

const range = (count: number) => Array.from({ length: count }, (_, id) => id);

/** `0-3,8` -> [0, 1, 2, 3, 8]; undefined when malformed, reversed or repeated. */
function parseShardIds(text: string): number[] | undefined {
  const ids: number[] = [];
  for (const part of text.split(',').map((piece) => piece.trim())) {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    if (!match) return undefined;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) return undefined;
    for (let id = first; id <= last; id += 1) ids.push(id);
  }
  return new Set(ids).size === ids.length ? ids : undefined;
}

/** The validated, typed configuration of one process. Holds secrets: never log it. */
export type Config = {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  databaseUrl: string | undefined;
  /** Where the reports read: a read-only replica, when there is one. */
  databaseReplicaUrl: string | undefined;
  /** Where migrations run: Postgres itself, bypassing a pooler; DATABASE_URL when unset. */
  databaseDirectUrl: string | undefined;
  redisUrl: string | undefined;
  /** Redis through Sentinel (BullMQ's documented high-availability setup), when set. */
  redisSentinel: RedisSentinel | undefined;
  redisCluster: RedisClusterNodes | undefined;
  http: { host: string; port: number; publicUrl: string | undefined };
  workers: { concurrency: number; queuePrefix: string; lockMs: number };
  shutdownTimeoutMs: number;
  discord: { token: string; appId: string; apiUrl: string | undefined; dmsPerMinute: number; shards: DiscordShards } | undefined;
  telegram: { token: string; webhookSecret: string | undefined; apiRoot: string | undefined } | undefined;
  stripe: { secretKey: string; webhookSecret: string; apiUrl: string | undefined } | undefined;
  openai: { apiKey: string; baseUrl: string | undefined; model: string } | undefined;
  /** Where uploaded files live: an S3-compatible bucket when configured, else `<dataDir>/files`. */
  s3: { bucket: string; region: string; endpoint: string | undefined; accessKeyId: string; secretAccessKey: string } | undefined;
  /** Seals sensitive columns; unset outside production: a key generated into the data directory. */
  dataKeys: DataKeys | undefined;
};

/** One invalid variable: its name and what was expected of it. Never carries the value. */
export type ConfigIssue = { variable: string; expected: string };

/** Parses the environment. Empty strings count as unset, as `.env` files commonly leave them. */
export function loadConfig(source: Record<string, string | undefined>): Result<Config, ConfigIssue[]> {
  const present = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        expected: issue.message,
      })),
    );
  }
  const env = parsed.data;
  return ok({
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    databaseDirectUrl: env.DATABASE_DIRECT_URL,
    databaseReplicaUrl: env.DATABASE_REPLICA_URL,
    redisUrl: env.REDIS_URL,
    redisSentinel: env.REDIS_SENTINELS
      ? { sentinels: env.REDIS_SENTINELS, name: env.REDIS_SENTINEL_NAME, password: env.REDIS_PASSWORD, sentinelPassword: env.REDIS_SENTINEL_PASSWORD ?? env.REDIS_PASSWORD }
      : undefined,
    redisCluster: env.REDIS_CLUSTER_NODES ? { nodes: env.REDIS_CLUSTER_NODES, password: env.REDIS_PASSWORD } : undefined,
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT, publicUrl: env.PUBLIC_URL },
    workers: { concurrency: env.WORKER_CONCURRENCY, queuePrefix: env.QUEUE_PREFIX, lockMs: env.WORKER_LOCK_MS },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    discord:
      env.DISCORD_TOKEN && env.DISCORD_APP_ID
        ? {
            token: env.DISCORD_TOKEN,
            appId: env.DISCORD_APP_ID,
            apiUrl: env.DISCORD_API_URL,
            dmsPerMinute: env.DISCORD_DMS_PER_MINUTE,
            shards: env.DISCORD_SHARDS === 'auto' ? 'auto' : { count: env.DISCORD_SHARDS, ids: env.DISCORD_SHARD_IDS ?? range(env.DISCORD_SHARDS) },
          }
        : undefined,
    telegram: env.TELEGRAM_BOT_TOKEN
      ? { token: env.TELEGRAM_BOT_TOKEN, webhookSecret: env.TELEGRAM_WEBHOOK_SECRET, apiRoot: env.TELEGRAM_API_ROOT }
      : undefined,
    stripe:
      env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
        ? { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET, apiUrl: env.STRIPE_API_URL }
        : undefined,
    openai: env.OPENAI_API_KEY
      ? { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, model: env.OPENAI_MODEL }
      : undefined,
    s3:
      env.S3_BUCKET && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { bucket: env.S3_BUCKET, region: env.S3_REGION, endpoint: env.S3_ENDPOINT, accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
    dataKeys: env.DATA_ENCRYPTION_KEY,
  });
}

/** One line per issue, e.g. `DATABASE_URL must be a postgres:// or postgresql:// URL`. */
export function formatConfigIssues(issues: ConfigIssue[]): string {
  return issues.map((issue) => `Configuration error: ${issue.variable} ${issue.expected}.`).join('\n');
}
