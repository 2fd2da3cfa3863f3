import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** A dependency /readyz must reach: resolves when healthy, throws (or times out) when not. */
export type ReadinessCheck = { name: string; check(): Promise<unknown> };

export type HttpServerOptions = {
  host: string;
  port: number;
  log: Logger;
  registry: Registry;
  checks: ReadinessCheck[];
  /** Adds routes (payment webhooks, Telegram webhook) owned by other parts of the process. */
  mount?: (app: Hono) => void;
};

export type HttpServer = { url: string; port: number; close(): Promise<void> };

const CHECK_TIMEOUT_MS = 2_000;

/**
 * The one HTTP server of a process: /healthz (the process is up), /readyz (Postgres and Redis
 * answer), /metrics (Prometheus), plus whatever `mount` adds.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(options.checks.map(async ({ name, check }) => [name, await probe(check)] as const));
    const ready = results.every(([, status]) => status === 'ok');
    return c.json({ status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results) }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('content-type', options.registry.contentType);
    return c.body(await options.registry.metrics());
  });
  options.mount?.(app);
  app.onError((error, c) => {
    options.log.error({ err: error, path: c.req.path }, 'http handler failed');
    return c.json({ error: 'internal error' }, 500);
  });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(started));
    started.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.log.info({ host: options.host, port }, 'http server listening');
  return {
    url: `http://${options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/** "ok", or why the check failed (its message, or "timed out" after CHECK_TIMEOUT_MS). */
export async function probe(check: () => Promise<unknown>): Promise<string> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
    ]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : 'failed';
  }
}
