import { type Job, Queue, Worker } from 'bullmq';
import type { RedisConnection } from '../../workers/redis.ts';
import type { Logger } from 'pino';
import { z } from 'zod';
import { bullPrefix } from '../../workers/bull-job-queue.ts';
import type { ParsedUpdate } from './update-schema.ts';

const QUEUE = 'telegram-updates';
/** Telegram keeps an unconfirmed update for up to 24 hours: a redelivery is recognised for that long. */
const SEEN_TTL_SECONDS = 26 * 3_600;
/** An update whose handling threw this many times is set aside, so its chat moves on. */
const MAX_FAILURES = 5;

const JOB_OPTIONS = { attempts: 1_000, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { count: 1_000 }, removeOnFail: { count: 1_000 } };

const drainJob = z.object({ chat: z.string().min(1).max(40) });

export type TelegramUpdateQueueOptions = {
  redis: RedisConnection;
  prefix: string;
  log: Logger;
  /** Handles one update completely (resolves when its replies are sent). */
  handle: (update: ParsedUpdate) => Promise<void>;
  /** How long a chat's lock and a drain job's lock last without renewal: a killed replica's chat resumes after about this long. */
  lockMs: number;
  /** Chats drained side by side in this process. */
  concurrency: number;
};

export type TelegramUpdateQueue = {
  /** Stores the update for its chat (a redelivered update_id is stored once) and wakes a drain. */
  accept(update: ParsedUpdate): Promise<void>;
  /** Starts draining (once the bot knows who it is). */
  run(): void;
  /** Drains no new chats until `resume` (a dependency is down); webhooks are still stored. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Webhook updates through Redis, for several replicas behind one webhook URL: any replica may
 * receive any update, and every replica drains chats. Each chat's updates wait in a Redis list,
 * in arrival order (Telegram sends one chat's updates one at a time, in order); a chat is drained
 * by one process at a time, under a lock, and an update leaves its list only once handled. The
 * webhook answers 200 only after the update is stored, so a replica killed before that gets it
 * again from Telegram, and one killed while handling leaves it at the head of its chat's list,
 * where the next drain (the killed job, retried by BullMQ once its lock lapses) finds it.
 */
export function createTelegramUpdateQueue(options: TelegramUpdateQueueOptions): TelegramUpdateQueue {
  const { redis, log } = options;
  const queue = new Queue(QUEUE, { connection: redis, prefix: bullPrefix(options.prefix) });
  // The chat's keys share a hash tag, so each script below touches one Redis Cluster slot.
  const keys = (chat: string) => {
    const tag = `{${options.prefix}:tg:${chat}}`;
    return { pending: `${tag}:pending`, lock: `${tag}:lock`, seen: `${tag}:seen`, failures: `${tag}:failures` };
  };

  const accept = async (update: ParsedUpdate) => {
    const chat = chatKeyOf(update);
    const { pending, seen } = keys(chat);
    await redis.eval(STORE_ONCE, 2, seen, pending, String(update.update_id), JSON.stringify(update), Math.floor(Date.now() / 1000), SEEN_TTL_SECONDS);
    // Enqueued even for a redelivery: the first delivery may have died between the two steps.
    await queue.add('drain', { chat }, { jobId: `u${update.update_id}`, ...JOB_OPTIONS });
  };

  let closing = false;
  const drain = async (job: Job) => {
    const parsed = drainJob.safeParse(job.data);
    if (!parsed.success) return;
    const { pending, lock, failures } = keys(parsed.data.chat);
    const token = job.id ?? '';
    // Our own token on the lock: this job was running in a process that died, so it resumes.
    if ((await redis.eval(CLAIM, 1, lock, token, options.lockMs)) === 0) return; // the holder will see our update
    const renew = setInterval(() => void redis.eval(RENEW, 1, lock, token, options.lockMs).catch(() => {}), options.lockMs / 3);
    try {
      for (;;) {
        const head = await redis.lindex(pending, 0);
        if (head === null) {
          await redis.eval(RELEASE, 1, lock, token);
          // Checked again after letting go: an update stored while we held the lock had its drain give up.
          if ((await redis.llen(pending)) === 0 || (await redis.eval(CLAIM, 1, lock, token, options.lockMs)) === 0) return;
          continue;
        }
        if (closing) {
          // Stopping: the rest of the chat goes to another replica, after the update in hand.
          await redis.eval(RELEASE, 1, lock, token);
          await queue.add('drain', { chat: parsed.data.chat }, { jobId: `r${parsed.data.chat}-${Date.now()}`, ...JOB_OPTIONS });
          return;
        }
        const update = JSON.parse(head) as ParsedUpdate;
        log.debug({ updateId: update.update_id, chat: parsed.data.chat, messageId: update.message?.message_id }, 'handling telegram update');
        try {
          await options.handle(update);
        } catch (error) {
          const count = await redis.hincrby(failures, String(update.update_id), 1);
          if (count < MAX_FAILURES) throw error;
          log.error({ err: error, updateId: update.update_id, failures: count }, 'telegram update failed repeatedly; set aside so its chat moves on');
        }
        await redis.eval(POP_HEAD, 2, pending, failures, head, String(update.update_id));
        log.debug({ updateId: update.update_id, chat: parsed.data.chat, messageId: update.message?.message_id }, 'telegram update done');
      }
    } finally {
      clearInterval(renew);
    }
  };

  const worker = new Worker(QUEUE, drain, {
    connection: redis,
    prefix: bullPrefix(options.prefix),
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    autorun: false,
  });
  worker.on('error', (error) => log.error({ err: error }, 'telegram update worker error'));

  return {
    accept,
    pause: () => worker.pause(true),
    resume: async () => {
      await worker.resume();
    },
    run: () => void worker.run().catch((error: unknown) => log.error({ err: error }, 'telegram update worker stopped')),
    async close() {
      closing = true;
      await worker.close();
      await queue.close();
    },
  };
}

/** The chat whose order an update belongs to; a pre-checkout query (no chat) goes with its buyer. */
export function chatKeyOf(update: ParsedUpdate): string {
  const chat =
    update.message?.chat.id ??
    update.edited_message?.chat.id ??
    update.callback_query?.message?.chat.id ??
    update.my_chat_member?.chat.id ??
    update.chat_member?.chat.id ??
    update.chat_join_request?.chat.id;
  if (chat !== undefined) return String(chat);
  const from = update.callback_query?.from.id ?? update.pre_checkout_query?.from.id;
  return from === undefined ? 'none' : String(from);
}

/** The update joins its chat's list unless its update_id was seen in the last SEEN_TTL_SECONDS. */
const STORE_ONCE = `
if redis.call('zadd', KEYS[1], 'NX', ARGV[3], ARGV[1]) == 1 then redis.call('rpush', KEYS[2], ARGV[2]) end
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[3] - ARGV[4])
redis.call('expire', KEYS[1], ARGV[4])
return 1`;
const CLAIM = `
local holder = redis.call('get', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
const POP_HEAD = `
if redis.call('lindex', KEYS[1], 0) == ARGV[1] then redis.call('lpop', KEYS[1]) end
redis.call('hdel', KEYS[2], ARGV[2])
return 1`;
