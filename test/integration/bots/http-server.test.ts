import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountCheckoutReturn } from '../../../bots/http/checkout-return.ts';
import { type HttpServer, startHttpServer } from '../../../bots/http/server.ts';
import { registerJobMetrics } from '../../../workers/metrics.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { createTestQueues, type TestQueues } from '../../support/queues.ts';

describe('startHttpServer', () => {
  let database: TestDatabase;
  let queues: TestQueues;
  let server: HttpServer;
  let redisHealthy = true;

  beforeAll(async () => {
    database = await createTestDatabase();
    queues = createTestQueues();
    const registry = new Registry();
    registerJobMetrics(registry, (name) => queues.queue.queue(name));
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      log: silentLog,
      registry,
      checks: [
        { name: 'postgres', check: () => database.db.execute(sql`select 1`) },
        {
          name: 'redis',
          check: async () => {
            if (!redisHealthy) throw new Error('connection refused');
            return queues.redis.ping();
          },
        },
      ],
      mount: mountCheckoutReturn,
    });
  });
  afterAll(async () => {
    await server.close();
    await queues.close();
    await database.drop();
  });

  it('answers /healthz while the process runs', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reports ready only when every dependency answers', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });

    redisHealthy = false;
    const unavailable = await fetch(`${server.url}/readyz`);
    redisHealthy = true;
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toEqual({
      status: 'unavailable',
      checks: { postgres: 'ok', redis: 'connection refused' },
    });
  });

  it('exposes queue depth for Prometheus', async () => {
    await queues.queue.enqueue('maintenance.refresh-course-stats', {});
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const body = await response.text();
    expect(body).toContain('lyceum_queue_jobs{queue="maintenance",state="waiting"} 1');
    expect(body).toContain('lyceum_queue_jobs{queue="payments",state="waiting"} 0');
  });

  it('sends members back from Stripe Checkout to the chat, in English and Chinese', async () => {
    const paid = await (await fetch(`${server.url}/checkout/return?result=paid`)).text();
    expect(paid).toContain('your access arrives in the chat');
    expect(paid).toContain('正在确认付款');
    expect(await (await fetch(`${server.url}/checkout/return?result=canceled`)).text()).toContain('Nothing was charged');
  });

  it('answers 404 for unknown paths', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
