import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { type HttpServer, startHttpServer } from '../../bots/http/server.ts';
import { createStripeClient } from '../../bots/stripe/stripe-gateway.ts';
import { mountStripeWebhook, STRIPE_WEBHOOK_PATH } from '../../bots/stripe/webhook-route.ts';
import type { CoreDeps } from '../../core/deps.ts';
import type { StripeSim } from '../sim/stripe/index.ts';

/**
 * The real HTTP server with only the Stripe webhook route, on a free port, subscribed to the
 * simulator's webhooks with a fresh signing secret (tests, the demo and the benchmark).
 */
export async function startStripeWebhookServer(
  sim: StripeSim,
  deps: Pick<CoreDeps, 'db' | 'queue'>,
  log: Logger,
): Promise<HttpServer & { webhookSecret: string }> {
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const http = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    log,
    registry: new Registry(),
    checks: [],
    mount: (app) => mountStripeWebhook(app, { stripe: createStripeClient({ secretKey: sim.secretKey, apiUrl: sim.url }), webhookSecret, deps, log }),
  });
  sim.addWebhookEndpoint(`${http.url}${STRIPE_WEBHOOK_PATH}`, { secret: webhookSecret });
  return { ...http, webhookSecret };
}
