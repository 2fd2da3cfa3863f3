import { timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { type ParsedUpdate, updateSchema } from './update-schema.ts';

export const WEBHOOK_PATH = '/telegram/webhook';

/**
 * Webhook mode: updates POSTed by Telegram, dropped unless they carry the secret header. The
 * answer is 200 only once `accept` has stored the update; anything else makes Telegram send it
 * again (to whichever replica it reaches).
 */
export function mountWebhook(app: Hono, accept: (update: ParsedUpdate) => Promise<void>, secret: string, log: Logger): void {
  const expected = Buffer.from(secret);
  app.post(WEBHOOK_PATH, async (c) => {
    const given = Buffer.from(c.req.header('x-telegram-bot-api-secret-token') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      log.warn('webhook call with a wrong or missing secret token dropped');
      return c.json({ error: 'forbidden' }, 403);
    }
    const body: unknown = await c.req.json().catch(() => undefined);
    const parsed = updateSchema.safeParse(body);
    if (!parsed.success) return c.json({ error: 'not a Telegram update' }, 400);
    await accept(parsed.data);
    return c.json({ ok: true });
  });
}
