import { timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { updateSchema } from './update-schema.ts';

export const WEBHOOK_PATH = '/telegram/webhook';

/** Webhook mode: updates POSTed by Telegram, dropped unless they carry the secret header. */
export function mountWebhook(app: Hono, bot: Telegraf, secret: string, log: Logger): void {
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
    await bot.handleUpdate(parsed.data as unknown as Update);
    return c.json({ ok: true });
  });
}
