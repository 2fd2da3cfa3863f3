/**
 * One announcement fanned out to RECIPIENTS Telegram members and, at the same time, another to
 * RECIPIENTS Discord members who asked for announcement DMs, through real BullMQ workers (one
 * process, WORKER_CONCURRENCY) against simulators enforcing the platforms' limits: Telegram's
 * flood control (30 a second overall, one a second per chat) and Discord's global 50 requests a
 * second. Prints, per platform, the sends per second achieved as a share of the allowed rate
 * (Telegram: 30 a second; Discord: the DM budget DMS_PER_MINUTE, each DM being two requests when
 * its channel is opened), the 429s received beyond the first, and duplicates (must be 0).
 * Run: `npm run bench:announce` (RECIPIENTS=2000 for a shorter run).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { Redis } from 'ioredis';
import { createDiscordDeliveryGateway } from '../bots/discord/delivery-gateway.ts';
import { createTelegramDeliveryGateway } from '../bots/telegram/delivery-gateway.ts';
import { encodeAction } from '../core/actions.ts';
import { announcements, notificationPreferences } from '../core/db/schema/index.ts';
import { handleAction, handleCommand } from '../core/dispatch.ts';
import type { Reply } from '../core/reply.ts';
import { startEmbeddedRedis } from '../scripts/embedded/redis.ts';
import { startDiscordSim } from '../test/sim/discord/index.ts';
import { startTelegramSim } from '../test/sim/telegram/index.ts';
import { createAnnounceWorld } from '../test/support/announce-world.ts';
import { commandDeps } from '../test/support/core-deps.ts';
import { BullJobQueue } from '../workers/bull-job-queue.ts';
import { startWorkers } from '../workers/runner.ts';
import { benchDatabase } from './support.ts';

const recipients = Number(process.env.RECIPIENTS ?? 10_000);
const dmsPerMinute = Number(process.env.DMS_PER_MINUTE ?? 1_200);
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 8);
const TELEGRAM_ALLOWED_PER_SECOND = 30;
const log = pino({ level: 'silent' });

const confirmOf = (reply: Reply) => {
  for (const row of reply.actions ?? []) for (const button of 'buttons' in row ? row.buttons : []) if ('action' in button && button.action.type === 'announce.confirm') return encodeAction(button.action);
  throw new Error('no Confirm button in the preview');
};

const database = await benchDatabase();
const redisDir = await mkdtemp('/tmp/lyceum-bench-redis-');
const redisServer = await startEmbeddedRedis({ dir: redisDir, log: { info: () => {}, warn: console.warn }, appendOnly: false });
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
const queue = new BullJobQueue(redis, 'bench');
const telegram = await startTelegramSim({ botUsername: 'lyceum_bench_bot', floodLimits: true });
const discord = await startDiscordSim({ globalRateLimit: { limit: 50, windowMs: 1_000 } });
try {
  const seeded = Date.now();
  const creator = telegram.createUser({ firstName: 'Creator', startedBot: true }).id;
  const telegramWorld = await createAnnounceWorld(database.db, { platform: 'telegram', count: recipients, creatorUserId: String(creator), userIdOf: (index) => String(telegram.createUser({ firstName: `M${index}`, startedBot: true }).id) });
  const owner = discord.createUser({ username: 'owner' }).id;
  const guild = discord.createGuild({ name: 'Bench School', ownerId: owner });
  const discordWorld = await createAnnounceWorld(database.db, {
    platform: 'discord',
    count: recipients,
    creatorUserId: owner,
    userIdOf: (index) => {
      const user = discord.createUser({ username: `m${index}` }).id;
      discord.addMember(guild.id, user);
      return user;
    },
    spaces: [{ kind: 'discord_guild', externalId: guild.id }],
  });
  for (let start = 0; start < recipients; start += 1_000) {
    await database.db.insert(notificationPreferences).values(discordWorld.audience.slice(start, start + 1_000).map((member) => ({ communityId: discordWorld.communityId, memberId: member.memberId, kind: 'announcements' as const, platform: 'discord' as const, enabled: true })));
  }
  await database.db.execute(sql`analyze`);
  console.log(`seeded ${recipients} Telegram and ${recipients} Discord members in ${Date.now() - seeded} ms`);

  const deps = {
    ...commandDeps(database.db, { queue }),
    log,
    delivery: {
      telegram: createTelegramDeliveryGateway({ token: telegram.token, apiRoot: telegram.apiRoot }),
      discord: createDiscordDeliveryGateway({ token: discord.botToken, apiUrl: discord.apiUrl, dmsPerMinute }),
    },
  };
  const runtime = await startWorkers(deps, queue, { connection: redis, prefix: 'bench', concurrency, log, schedulers: false });
  const started = Date.now();
  for (const [world, spaceId] of [[telegramWorld, undefined], [discordWorld, guild.id]] as const) {
    const caller = { ...world.creatorCaller, spaceId };
    const preview = await handleCommand(deps, caller, 'announce', { action: 'send', text: 'The **spring cohort** opens on Monday.' });
    if (preview.error) throw new Error(`preview refused: ${preview.error.code}`);
    await handleAction(deps, caller, confirmOf(preview.reply));
  }
  let last = '';
  for (;;) {
    const rows = await database.db.select({ status: announcements.status }).from(announcements);
    const line = rows.map((row) => row.status).join(', ');
    if (line !== last) console.log(`  ${Math.round((Date.now() - started) / 1000)} s: ${line}`);
    last = line;
    if (rows.length === 2 && rows.every((row) => row.status === 'sent')) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  await runtime.close(10_000);

  const report = (name: string, sends: Array<{ chat: string; at: number }>, allowedPerSecond: number, refused429: number) => {
    const times = sends.map((send) => send.at).sort((a, b) => a - b);
    const seconds = (times.at(-1)! - times[0]!) / 1000;
    const perSecond = (sends.length - 1) / seconds;
    const perChat = new Map<string, number>();
    for (const send of sends) perChat.set(send.chat, (perChat.get(send.chat) ?? 0) + 1);
    const duplicates = [...perChat.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    console.log(`${name}: ${sends.length} sent in ${seconds.toFixed(1)} s = ${perSecond.toFixed(1)}/s of ${allowedPerSecond}/s allowed · rate share: ${(perSecond / allowedPerSecond).toFixed(2)} · 429s beyond the first: ${Math.max(0, refused429 - 1)} · duplicates: ${duplicates}`);
  };
  const telegramMembers = new Set(telegramWorld.audience.map((member) => member.userId));
  const telegramSends = telegram.calls
    .filter((call) => call.ok && call.method === 'sendMessage' && telegramMembers.has(String((call.params as { chat_id: unknown }).chat_id)))
    .map((call) => ({ chat: String((call.params as { chat_id: unknown }).chat_id), at: call.at }));
  report('telegram', telegramSends, TELEGRAM_ALLOWED_PER_SECOND, telegram.sendRate().refused429);
  // Every message post (the DMs, and the creator's one progress message), by the DM channel it went to.
  const discordSends = discord.calls.filter((call) => call.method === 'POST' && call.route === '/channels/:id/messages' && call.status < 300).map((call) => ({ chat: call.path.split('/')[2]!, at: call.at }));
  report('discord DMs', discordSends, dmsPerMinute / 60, discord.sendRate().refused429);
} finally {
  await queue.close();
  await redis.quit();
  await telegram.close();
  await discord.close();
  await redisServer.stop();
  await rm(redisDir, { recursive: true, force: true });
  await database.dispose();
}
