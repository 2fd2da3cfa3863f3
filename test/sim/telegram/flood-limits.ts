/**
 * Telegram's broadcasting limits (Bot FAQ), opt-in: about 30 messages a second to different chats,
 * 1 a second in one chat and 20 a minute in one group, supergroup or channel, counted over sliding
 * windows of real time. Edits count toward the first two, as on Telegram. Over a limit the call is
 * not performed: 429 "Too Many Requests: retry after N" with `parameters.retry_after`, N the whole
 * seconds (at least 1) until every limit it broke has room again.
 *
 * `allow_paid_broadcast` lifts the overall limit to 1,000 a second for 0.1 Star a message, taken
 * from the bot's balance whether or not the limits are on. Short of 0.1 Star the send fails with
 * "Bad Request: BALANCE_TOO_LOW": the sim's choice, the MTProto error for a too-low Stars balance
 * (the Bot API documents no wording). A call that fails after admission is no send: its slots and
 * its Star are given back.
 */
import { badRequest, tooManyRequests } from './errors.ts';
import type { SimFloodLimits, SimPaidBroadcastStats } from './types.ts';

/** Methods that post new messages: the Bot API's whole list, so sends the sim adds later count too. */
export const SEND_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendAudio',
  'sendVideo',
  'sendAnimation',
  'sendVoice',
  'sendVideoNote',
  'sendPaidMedia',
  'sendMediaGroup',
  'sendLocation',
  'sendVenue',
  'sendContact',
  'sendPoll',
  'sendChecklist',
  'sendDice',
  'sendSticker',
  'sendInvoice',
  'sendGame',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
  'forwardMessages',
]);
export const EDIT_METHODS: ReadonlySet<string> = new Set(['editMessageText', 'editMessageCaption', 'editMessageMedia', 'editMessageReplyMarkup']);
export const TELEGRAM_FLOOD_LIMITS: Readonly<Required<SimFloodLimits>> = { perSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20, paidPerSecond: 1_000 };
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
/** What a paid broadcast message costs, in tenths of a Star (the balance is kept in tenths: no float drift). */
const PAID_MESSAGE_TENTHS = 1;

/** The chat a call writes to; undefined for inline messages and @usernames (the sim knows chats by id). */
export function chatOf(params: Record<string, unknown>): number | undefined {
  const id = params.chat_id;
  if (typeof id === 'number') return id;
  return typeof id === 'string' && /^-?\d+$/.test(id) ? Number(id) : undefined;
}

/** A send that asked for paid broadcasting (`true` in JSON, `"true"` in forms). */
export function isPaidBroadcast(method: string, params: Record<string, unknown>): boolean {
  return SEND_METHODS.has(method) && (params.allow_paid_broadcast === true || params.allow_paid_broadcast === 'true');
}

/** Undoes an admission when the method then fails. */
export type Release = () => void;

export class FloodLimiter {
  private readonly limits?: Readonly<Required<SimFloodLimits>>;
  private readonly overall = new SlidingWindow(SECOND_MS);
  private readonly perChat = new Map<number, SlidingWindow>();
  private readonly perGroup = new Map<number, SlidingWindow>();
  private balanceTenths = 0;
  private paidMessages = 0;
  private spentTenths = 0;
  private sweptAt = 0;

  constructor(
    options: true | SimFloodLimits | undefined,
    starBalance: number,
    /** Whether a chat is a group, supergroup or channel (the per-minute limit's chats). */
    private readonly isGroup: (chatId: number) => boolean,
  ) {
    if (options) {
      this.limits = { ...TELEGRAM_FLOOD_LIMITS, ...(options === true ? {} : options) };
      for (const [name, limit] of Object.entries(this.limits)) {
        if (!Number.isInteger(limit) || limit < 1) throw new Error(`telegram sim: floodLimits.${name} must be a positive integer, not ${limit}`);
      }
    }
    this.setStarBalance(starBalance);
  }

  /**
   * Counts a send or edit made at `at` (its RecordedCall.at, so `sendRate` sees the same times), or
   * throws its 400 or 429. Other methods pass untouched.
   */
  admit(method: string, params: Record<string, unknown>, at: number): Release | undefined {
    const isSend = SEND_METHODS.has(method);
    if (!isSend && !EDIT_METHODS.has(method)) return undefined;
    const paid = isPaidBroadcast(method, params);
    if (paid && this.balanceTenths < PAID_MESSAGE_TENTHS) throw badRequest('BALANCE_TOO_LOW');
    const windows = this.limits ? this.reserve(this.limits, isSend, paid, chatOf(params), at) : [];
    if (paid) this.charge(1);
    return () => {
      for (const window of windows) window.remove(at);
      if (paid) this.charge(-1);
    };
  }

  paidBroadcastStats(): SimPaidBroadcastStats {
    return { messages: this.paidMessages, starsSpent: this.spentTenths / 10, starBalance: this.balanceTenths / 10 };
  }

  /** Stars to one decimal, as Telegram shows them (0.1 is the smallest paid broadcast charge). */
  setStarBalance(stars: number): void {
    if (!Number.isFinite(stars) || stars < 0) throw new Error(`telegram sim: a Star balance is a non-negative number, not ${stars}`);
    this.balanceTenths = Math.round(stars * 10);
  }

  private charge(messages: number): void {
    this.paidMessages += messages;
    this.spentTenths += messages * PAID_MESSAGE_TENTHS;
    this.balanceTenths -= messages * PAID_MESSAGE_TENTHS;
  }

  /** Takes a slot in every window the call counts in, or throws 429 if any is full. */
  private reserve(limits: Readonly<Required<SimFloodLimits>>, isSend: boolean, paid: boolean, chat: number | undefined, at: number): SlidingWindow[] {
    this.sweep(at);
    const checks: Array<[SlidingWindow, number]> = [[this.overall, paid ? limits.paidPerSecond : limits.perSecond]];
    if (chat !== undefined) {
      checks.push([windowOf(this.perChat, chat, SECOND_MS), limits.perChatPerSecond]);
      if (isSend && this.isGroup(chat)) checks.push([windowOf(this.perGroup, chat, MINUTE_MS), limits.perGroupPerMinute]);
    }
    const waitMs = Math.max(...checks.map(([window, limit]) => window.waitMs(at, limit)));
    if (waitMs > 0) throw tooManyRequests(Math.max(1, Math.ceil(waitMs / 1000)));
    for (const [window] of checks) window.add(at);
    return checks.map(([window]) => window);
  }

  /** Drops the windows of chats that went quiet, so a long broadcast to many chats keeps memory flat. */
  private sweep(at: number): void {
    if (at - this.sweptAt < SECOND_MS) return;
    this.sweptAt = at;
    for (const windows of [this.perChat, this.perGroup]) {
      for (const [chat, window] of windows) if (window.emptyAt(at)) windows.delete(chat);
    }
  }
}

function windowOf(windows: Map<number, SlidingWindow>, chat: number, spanMs: number): SlidingWindow {
  let window = windows.get(chat);
  if (!window) windows.set(chat, (window = new SlidingWindow(spanMs)));
  return window;
}

/** The times (ms) of admitted calls less than `spanMs` old, oldest first. */
class SlidingWindow {
  private readonly times: number[] = [];

  constructor(private readonly spanMs: number) {}

  /** How long a call at `at` must wait to fit under `limit`: 0 if it fits now. */
  waitMs(at: number, limit: number): number {
    this.prune(at);
    const excess = this.times.length - limit;
    // The call fits once the (excess + 1) oldest have left the window.
    return excess < 0 ? 0 : this.times[excess]! + this.spanMs - at;
  }

  add(at: number): void {
    // Calls arrive in time order; a clock set back (fake timers) still keeps the list sorted.
    let index = this.times.length;
    while (index > 0 && this.times[index - 1]! > at) index--;
    this.times.splice(index, 0, at);
  }

  remove(at: number): void {
    const index = this.times.lastIndexOf(at);
    if (index >= 0) this.times.splice(index, 1);
  }

  emptyAt(at: number): boolean {
    this.prune(at);
    return this.times.length === 0;
  }

  private prune(at: number): void {
    let expired = 0;
    while (expired < this.times.length && this.times[expired]! <= at - this.spanMs) expired++;
    if (expired) this.times.splice(0, expired);
  }
}
