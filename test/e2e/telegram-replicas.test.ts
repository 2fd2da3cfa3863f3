import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { listeningPort, type LyceumProcess, processEnv, startLyceum } from '../support/processes.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';

const CHATS = 500;
const UPDATES_PER_CHAT = 20;
const REPLICAS = 3;
const SECRET = 'replicas-webhook-secret-0123456789';

/**
 * Three `bots` replicas in webhook mode behind a round-robin proxy, as a load balancer would put
 * them: any replica gets any update. Every update is answered, each chat's in the order its
 * members wrote, and SIGKILLing one replica half-way loses nothing.
 */
describe('Telegram webhook replicas behind a round-robin proxy', () => {
  let sim: TelegramSim;
  let database: TestDatabase;
  let queues: TestQueues;
  let proxy: Server;
  const upstreams: Array<number | undefined> = [];
  const replicas: LyceumProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    queues = createTestQueues();
    sim = await startTelegramSim({ botUsername: 'lyceum_replicas_bot', webhookRetryDelayMs: 50 });
    let next = 0;
    // The load balancer: round robin over live replicas' ports; a dead one answers 502, as
    // nginx does when a backend is gone, and Telegram sends the update again.
    proxy = createServer((request, response) => {
      const port = upstreams[next++ % REPLICAS];
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (port === undefined) return void response.writeHead(502).end();
        fetch(`http://127.0.0.1:${port}${request.url}`, { method: request.method, headers: request.headers as Record<string, string>, body: Buffer.concat(chunks) })
          .then(async (answer) => response.writeHead(answer.status, { 'content-type': 'application/json' }).end(Buffer.from(await answer.arrayBuffer())))
          .catch(() => response.writeHead(502).end());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const replica of replicas) replica.child.kill('SIGKILL');
    await new Promise((resolve) => proxy?.close(resolve));
    await sim?.close();
    await queues?.close();
    await database?.drop();
  });

  it('answers 10,000 updates of 500 chats once each and in order per chat, through a replica killed half-way', async () => {
    const chats = Array.from({ length: CHATS }, (_, i) => {
      const creator = sim.createUser({ firstName: `Creator ${i}` }).id;
      const members = Array.from({ length: UPDATES_PER_CHAT }, (_, j) => sim.createUser({ firstName: `Member ${i}-${j}`, languageCode: 'en' }).id);
      return { id: sim.createGroup({ title: `Group ${i}`, creatorId: creator, memberIds: members }).id, members };
    });
    const publicUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    for (let i = 0; i < REPLICAS; i += 1) {
      const env = processEnv(
        { databaseUrl: database.url, queuePrefix: queues.prefix, name: `replica-${i}` },
        { TELEGRAM_BOT_TOKEN: sim.token, TELEGRAM_API_ROOT: sim.apiRoot, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: publicUrl, WORKER_LOCK_MS: '2000', LOG_LEVEL: 'debug' },
      );
      replicas.push(startLyceum('bots', env));
    }
    await Promise.all(replicas.map((replica) => replica.waitFor('connected to Telegram (webhook)', 60_000)));
    upstreams.push(...replicas.map(listeningPort));

    // Members write in turns, so consecutive updates belong to different chats.
    const written = new Map<number, number[]>(chats.map((chat) => [chat.id, []]));
    for (let turn = 0; turn < UPDATES_PER_CHAT; turn += 1) {
      for (const chat of chats) written.get(chat.id)!.push((await sim.user(chat.members[turn]!).sendText(chat.id, '/help')).message_id);
    }
    const total = CHATS * UPDATES_PER_CHAT;
    const replies = () => sim.callsTo('sendMessage').filter((call) => call.ok).length;
    await eventually(() => (replies() >= total / 2 ? true : undefined), 120_000, 100);
    replicas[1]!.child.kill('SIGKILL');
    upstreams[1] = undefined;
    const answeredIn = (chatId: number) => sim.messages(chatId).filter((message) => message.fromBot).map((message) => message.reply_to_message?.message_id);
    // A reply sent twice counts twice: wait for every chat's own set, not for a total.
    await eventually(() => (replies() >= total && chats.every((chat) => new Set(answeredIn(chat.id)).size >= UPDATES_PER_CHAT) ? true : undefined), 180_000, 100);

    // Telegram has no idempotency key for a message: an update whose reply went out just before
    // the SIGKILL, but which was not yet marked done, is answered again by the replica that
    // resumes its chat. Only such updates, in hand on the killed replica, may be answered twice.
    const inHand = updatesInHand(replicas[1]!);
    // At most one per chat it was draining: WORKER_CONCURRENCY (4) x 8 drains at once.
    expect(inHand.size).toBeLessThanOrEqual(8 * 4);
    const doubled: string[] = [];
    for (const chat of chats) {
      const answered = answeredIn(chat.id);
      const distinct = answered.filter((id, index) => answered.indexOf(id) === index);
      expect(distinct).toEqual(written.get(chat.id));
      doubled.push(...answered.filter((id, index) => answered.indexOf(id) !== index).map((id) => `${chat.id}:${id}`));
    }
    expect(doubled.filter((message) => !inHand.has(message))).toEqual([]);
    expect(new Set(sim.webhook.deliveries.filter((delivery) => delivery.status === 200).map((delivery) => delivery.updateId)).size).toBe(total);
  }, 420_000);
});

/** `chat:message_id` of the updates the replica began and had not finished when killed (its debug log). */
function updatesInHand(replica: LyceumProcess): Set<string> {
  const inHand = new Set<string>();
  for (const line of replica.output().split('\n')) {
    if (!line.includes('telegram update')) continue;
    const entry = JSON.parse(line) as { msg?: string; chat?: string; messageId?: number };
    const key = `${entry.chat}:${entry.messageId}`;
    if (entry.msg === 'handling telegram update') inHand.add(key);
    if (entry.msg === 'telegram update done') inHand.delete(key);
  }
  return inHand;
}
