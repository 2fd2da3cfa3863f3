import { expect } from 'vitest';
import type { TelegramSim } from '../sim/telegram/index.ts';

/**
 * A paced fan-out as the Telegram simulator recorded it: the pacer keeps under Telegram's limits,
 * so a 429 is rare (a loaded machine bunching sends); when one comes, every sender holds back for
 * its retry_after, so no paced send lands inside it. `recipients`: the chats of the fan-out.
 */
export function expectRetryAfterObeyed(sim: TelegramSim, recipients: Set<string>, allowed429 = 3) {
  const paced = sim.calls.filter((call) => call.method === 'sendMessage' && recipients.has(String((call.params as { chat_id: unknown }).chat_id)));
  const refusals = paced.filter((call) => call.errorCode === 429);
  for (const refused of refusals) {
    const retryAfterMs = Number(/retry after (\d+)/.exec(refused.description ?? '')?.[1] ?? 1) * 1000;
    // Sends already past the pacer when the 429 came may still land in its first moments.
    expect(paced.filter((call) => call.ok && call.at > refused.at + 250 && call.at < refused.at + retryAfterMs - 50)).toHaveLength(0);
  }
  expect(refusals.length).toBeLessThanOrEqual(allowed429);
}

/** The successful sendMessage calls to each chat. */
export function sendsPerChat(sim: TelegramSim): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of sim.calls) {
    if (call.method !== 'sendMessage' || !call.ok) continue;
    const chat = String((call.params as { chat_id: unknown }).chat_id);
    counts.set(chat, (counts.get(chat) ?? 0) + 1);
  }
  return counts;
}
