/**
 * What trust and safety costs on hot paths, each as a ratio to the same path without it, in one run:
 * - opening a support ticket with its messages (the ticket and 40 messages read by conversation),
 *   sealed columns against twin tables holding the same rows in clear;
 * - a member's command (`/help`, the lightest one) through core's dispatch, with the Redis rate
 *   limiter against none.
 * Run: `npm run bench:safety` (MESSAGES, RUNS to change sizes).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { asc, eq, sql } from 'drizzle-orm';
import { bigint, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createRedisRateLimiter } from '../bots/rate-limiter.ts';
import { communities, supportMessages, supportTickets } from '../core/db/schema/index.ts';
import { handleCommand, handleMessage } from '../core/dispatch.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../core/seed/seed-demo.ts';
import { startEmbeddedRedis } from '../scripts/embedded/redis.ts';
import { commandDeps } from '../test/support/core-deps.ts';
import { benchDatabase, measure, printTimings, type Timing } from './support.ts';

const messages = Number(process.env.MESSAGES ?? 40);
const runs = Number(process.env.RUNS ?? 500);
const plainTickets = pgTable('bench_plain_tickets', { id: uuid('id').primaryKey(), conversationId: uuid('conversation_id').notNull(), subject: text('subject').notNull(), transcript: text('transcript') });
const plainMessages = pgTable('bench_plain_messages', { id: uuid('id').primaryKey(), seq: bigint('seq', { mode: 'number' }).notNull(), conversationId: uuid('conversation_id').notNull(), authorKind: text('author_kind').notNull(), body: text('body').notNull() });

const database = await benchDatabase();
const redisDir = await mkdtemp('/tmp/lyceum-bench-redis-');
const redisServer = await startEmbeddedRedis({ dir: redisDir, log: { info: () => {}, warn: console.warn }, appendOnly: false });
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
try {
  const db = database.db;
  const { communityId } = await seedDemoCommunity(db, new Date());
  const deps = commandDeps(db);
  const member = { platform: 'console' as const, userId: consolePersonas.member.userId, displayName: 'Mia', locale: 'en', spaceId: CONSOLE_SPACE_ID };
  await handleMessage(deps, member, 'I need a person: my payment went through twice');
  const [ticket] = await db.select().from(supportTickets);
  const text = (i: number) => `Message ${i}: the charge on 2026-11-${String((i % 28) + 1).padStart(2, '0')} shows twice on my statement, order reference ${1000 + i}. ${'Details follow. '.repeat(8)}`;
  await db.insert(supportMessages).values(Array.from({ length: messages }, (_, i) => ({ communityId, conversationId: ticket!.conversationId, authorKind: i % 2 ? ('staff' as const) : ('member' as const), body: text(i) })));
  await db.execute(sql`create table bench_plain_tickets (id uuid primary key, conversation_id uuid not null, subject text not null, transcript text)`);
  await db.execute(sql`create table bench_plain_messages (id uuid primary key, seq bigint not null, conversation_id uuid not null, author_kind text not null, body text not null)`);
  await db.execute(sql`create index on bench_plain_messages (conversation_id, seq)`);
  const sealedRows = await db.select().from(supportMessages).where(eq(supportMessages.conversationId, ticket!.conversationId));
  await db.insert(plainTickets).values({ id: ticket!.id, conversationId: ticket!.conversationId, subject: ticket!.subject, transcript: ticket!.transcript });
  await db.insert(plainMessages).values(sealedRows.map((row) => ({ id: row.id, seq: row.seq, conversationId: row.conversationId, authorKind: row.authorKind, body: row.body })));
  await db.execute(sql`analyze`);

  const openSealed = async () => {
    const [found] = await db.select({ subject: supportTickets.subject, conversationId: supportTickets.conversationId }).from(supportTickets).where(eq(supportTickets.id, ticket!.id));
    return db.select({ body: supportMessages.body, author: supportMessages.authorKind }).from(supportMessages).where(eq(supportMessages.conversationId, found!.conversationId)).orderBy(asc(supportMessages.seq));
  };
  const openPlain = async () => {
    const [found] = await db.select({ subject: plainTickets.subject, conversationId: plainTickets.conversationId }).from(plainTickets).where(eq(plainTickets.id, ticket!.id));
    return db.select({ body: plainMessages.body, author: plainMessages.authorKind }).from(plainMessages).where(eq(plainMessages.conversationId, found!.conversationId)).orderBy(asc(plainMessages.seq));
  };
  if ((await openSealed()).map((row) => row.body).join() !== (await openPlain()).map((row) => row.body).join()) throw new Error('the twin tables differ');

  // Limits high enough that no run is refused: the cost measured is counting, not refusing.
  await db.update(communities).set({ settings: { rateLimits: { commands: { points: 10_000, seconds: 1 } } } }).where(eq(communities.id, communityId));
  const limited = { ...deps, limits: createRedisRateLimiter(redis, 'bench', pino({ level: 'silent' })) };
  const help = (through: typeof deps) => async () => {
    const outcome = await handleCommand(through, member, 'help', {});
    if (outcome.error) throw new Error(`refused: ${outcome.error.code}`);
  };

  // Interleaved, so drift on a shared machine lands on both sides of each ratio.
  const timings: Timing[] = [];
  for (const [name, fn] of [
    ['ticket + messages, clear', openPlain],
    ['ticket + messages, sealed', openSealed],
    ['/help, no limiter', help(deps)],
    ['/help, rate limited', help(limited)],
  ] as const) timings.push(await measure(name, fn, runs, 50));
  printTimings(`Trust and safety costs (${messages + 1} messages on the ticket, ${runs} runs each)`, timings);
  const ratio = (a: number, b: number) => (timings[b]!.p50 / timings[a]!.p50).toFixed(2);
  console.log(`\nsealed / clear, opening a ticket (p50): ${ratio(0, 1)}`);
  console.log(`rate limited / none, a command (p50): ${ratio(2, 3)}`);
} finally {
  await redis.quit();
  await redisServer.stop();
  await rm(redisDir, { recursive: true, force: true });
  await database.dispose();
}
