/**
 * How fast the bot sent, read back from the recorded calls, so tests and benches can prove a bot
 * paces itself (with the flood limits on or off). Windows slide as the limits' do; each is a sort
 * and two pointers, so 20,000 calls take milliseconds.
 */
import { chatOf, EDIT_METHODS, isPaidBroadcast, MINUTE_MS, SECOND_MS, SEND_METHODS } from './flood-limits.ts';
import type { RecordedCall, SimSendRate } from './types.ts';

/** `since`: only calls recorded at or after this time (ms), e.g. a benchmark's start. */
export function sendRate(calls: readonly RecordedCall[], isGroup: (chatId: number) => boolean, since = -Infinity): SimSendRate {
  const all: number[] = [];
  const perChat = new Map<number, number[]>();
  const perGroup = new Map<number, number[]>();
  const sendsPerChat = new Map<number, number>();
  const rate = { sends: 0, edits: 0, paidSends: 0, refused429: 0 };
  for (const call of calls) {
    const isSend = SEND_METHODS.has(call.method);
    if (call.at < since || (!isSend && !EDIT_METHODS.has(call.method))) continue;
    if (!call.ok) {
      if (call.errorCode === 429) rate.refused429 += 1;
      continue;
    }
    const params = (call.params ?? {}) as Record<string, unknown>;
    all.push(call.at);
    if (!isSend) rate.edits += 1;
    else {
      rate.sends += 1;
      if (isPaidBroadcast(call.method, params)) rate.paidSends += 1;
    }
    const chat = chatOf(params);
    if (chat === undefined) continue;
    timesOf(perChat, chat).push(call.at);
    if (!isSend) continue;
    sendsPerChat.set(chat, (sendsPerChat.get(chat) ?? 0) + 1);
    if (isGroup(chat)) timesOf(perGroup, chat).push(call.at);
  }
  return {
    ...rate,
    maxPerSecondOverall: densest(all, SECOND_MS),
    maxPerSecondInOneChat: densestChat(perChat, SECOND_MS),
    maxPerMinuteInOneGroup: densestChat(perGroup, MINUTE_MS),
    sendsPerChat,
  };
}

/** The most times less than `spanMs` apart (sorts `times` in place). */
export function densest(times: number[], spanMs: number): number {
  times.sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= spanMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** A loop, not Math.max(...): a broadcast may reach more chats than a call has arguments. */
function densestChat(byChat: Map<number, number[]>, spanMs: number): number {
  let best = 0;
  for (const times of byChat.values()) best = Math.max(best, densest(times, spanMs));
  return best;
}

function timesOf(byChat: Map<number, number[]>, chat: number): number[] {
  let times = byChat.get(chat);
  if (!times) byChat.set(chat, (times = []));
  return times;
}
