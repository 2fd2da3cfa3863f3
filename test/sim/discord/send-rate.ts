/**
 * How fast the bot sent, from the recorded calls: for tests and benchmarks of fan-outs (a
 * broadcast DMing thousands of members) that must stay under Discord's global limit (50
 * requests a second) and look like a well-behaved bot. Sliding windows over the calls sorted by
 * arrival, with two pointers: linear after the sort, fine for tens of thousands of calls.
 */
import { exemptFromGlobal } from './rate-limits.ts';
import type { World } from './state.ts';
import type { SendRate } from './types.ts';

/** The most of the sorted `times` inside any window of `windowMs` (a window holds t..t+windowMs-1). */
export function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let first = 0;
  for (let last = 0; last < times.length; last += 1) {
    while (times[last]! - times[first]! >= windowMs) first += 1;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

/** The bot's calls since `since` (epoch ms, default all): see `SendRate` for what each number counts. */
export function sendRate(world: World, since = 0): SendRate {
  const overall: number[] = [];
  const dmTimes: number[] = [];
  const dmMessagesPerUser = new Map<string, number>();
  let refused429 = 0;
  for (const call of world.calls) {
    if (call.at < since) continue;
    if (call.status === 429) refused429 += 1;
    if (!call.authorized || exemptFromGlobal(call.route)) continue;
    overall.push(call.at);
    if (call.method !== 'POST' || call.route !== '/channels/:id/messages' || call.status < 200 || call.status >= 300) continue;
    const channel = world.channels.get(call.path.split('/')[2] ?? '');
    const recipient = channel?.type === 1 ? channel.recipients?.[0] : undefined;
    if (!recipient) continue;
    dmTimes.push(call.at);
    dmMessagesPerUser.set(recipient, (dmMessagesPerUser.get(recipient) ?? 0) + 1);
  }
  const ascending = (a: number, b: number) => a - b;
  return {
    maxPerSecondOverall: maxInWindow(overall.sort(ascending), 1_000),
    dmMessagesPerMinuteMax: maxInWindow(dmTimes.sort(ascending), 60_000),
    refused429,
    dmMessagesPerUser,
  };
}
