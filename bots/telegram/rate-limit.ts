import type { Logger } from 'pino';
import { type Telegram, TelegramError } from 'telegraf';

const RATE_LIMIT_ATTEMPTS = 3;
const MAX_RATE_LIMIT_WAIT_S = 60;

/**
 * Telegram answers 429 with how long to wait; telegraf does not retry by itself. A 429 means
 * the call was not carried out, so retrying it cannot duplicate a message. (Polling retries
 * getUpdates on its own.)
 */
export function retryRateLimited(telegram: Telegram, log: Logger): void {
  const callApi = telegram.callApi.bind(telegram);
  telegram.callApi = (async (method: string, payload: unknown, callOptions: unknown) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await (callApi as (m: string, p: unknown, o: unknown) => Promise<unknown>)(method, payload, callOptions);
      } catch (error) {
        const retryAfter = error instanceof TelegramError && error.code === 429 ? error.parameters?.retry_after : undefined;
        if (method === 'getUpdates' || retryAfter === undefined || attempt >= RATE_LIMIT_ATTEMPTS || retryAfter > MAX_RATE_LIMIT_WAIT_S) {
          throw error;
        }
        log.warn({ method, retryAfter, attempt }, 'rate limited by Telegram; retrying');
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      }
    }
  }) as typeof telegram.callApi;
}
