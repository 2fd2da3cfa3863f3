import type { Context, Hono } from 'hono';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { z } from 'zod';
import { recordPaymentEvent } from '../../core/commerce/payment-events.ts';
import type { CoreDeps } from '../../core/deps.ts';
import { handledStripeEvents } from './stripe-events.ts';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
/** Stripe's events are a few KB; anything near this is not from Stripe. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

const storedEvent = z.object({ id: z.string().regex(/^evt_\w+$/), type: z.string().min(1).max(100), data: z.object({ object: z.object({ id: z.string().optional() }).loose() }) });

/**
 * `POST /webhooks/stripe`: verifies the signature over the raw body, stores the event under its
 * id and enqueues it, then answers 200 at once whatever the workers are doing. A missing, bad or
 * stale signature or a malformed body is 400 and stores nothing (logged without the body); a
 * body over the size limit is 413 before it is read whole. A storage outage is 500, so Stripe
 * retries.
 */
export function mountStripeWebhook(
  app: Hono,
  options: { stripe: Stripe; webhookSecret: string; deps: Pick<CoreDeps, 'db' | 'queue'>; log: Logger },
): void {
  app.post(STRIPE_WEBHOOK_PATH, async (c) => {
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > MAX_WEBHOOK_BYTES) return refuse(c, options.log, 413, 'body too large');
    const raw = await readCapped(c.req.raw, MAX_WEBHOOK_BYTES);
    if (raw === undefined) return refuse(c, options.log, 413, 'body too large');
    const signature = c.req.header('stripe-signature');
    if (!signature) return refuse(c, options.log, 400, 'missing Stripe-Signature');
    let event: unknown;
    try {
      event = options.stripe.webhooks.constructEvent(raw, signature, options.webhookSecret);
    } catch (error) {
      return refuse(c, options.log, 400, error instanceof Error ? error.message.split('\n')[0]! : 'bad signature');
    }
    const parsed = storedEvent.safeParse(event);
    if (!parsed.success) return refuse(c, options.log, 400, 'not a Stripe event');
    const { id, type, data } = parsed.data;
    const ignored = !(handledStripeEvents as readonly string[]).includes(type);
    const { stored } = await recordPaymentEvent(options.deps, { provider: 'stripe', providerEventId: id, type, objectId: data.object.id, payload: event, ignored });
    options.log.info({ eventId: id, type, stored }, 'stripe webhook accepted');
    return c.json({ received: true });
  });
}

function refuse(c: Context, log: Logger, status: 400 | 413, reason: string) {
  log.warn({ status, reason }, 'stripe webhook refused');
  return c.json({ error: reason }, status);
}

/** The body as text, or undefined once it passes `limit` bytes (chunked bodies have no length). */
async function readCapped(request: Request, limit: number): Promise<string | undefined> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
