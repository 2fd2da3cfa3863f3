/** Inline button presses (callback_query updates) and answerCallbackQuery. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { badRequest, QUERY_TOO_OLD } from './errors.ts';
import { type CallbackQuery, type UserState, withoutSimFields } from './model.ts';
import type { Methods, SimState } from './state.ts';
import type { CallbackHandle, SimTgMessage } from './types.ts';
import { bool, int, parse } from './validation.ts';

const answerSchema = z.object({
  callback_query_id: z.string().min(1),
  text: z.string().max(200, 'MESSAGE_TOO_LONG').optional(),
  show_alert: bool.optional(),
  // Only links that open this bot (t.me/<bot>?start=...) or a game are allowed here.
  url: z.string().regex(/^https:\/\/t\.me\/\w+(\?start=[\w-]{1,64})?$/, 'URL_INVALID').optional(),
  cache_time: int.optional(),
});

export function callbackMethods(sim: SimState): Methods {
  return {
    answerCallbackQuery: (raw) => {
      const params = parse(answerSchema, raw);
      const query = sim.callbackQueries.get(params.callback_query_id);
      if (!query || query.answer || Date.now() - query.createdAt > sim.timing.callbackQueryTtlMs) throw badRequest(QUERY_TOO_OLD);
      query.answer = {
        ...(params.text !== undefined ? { text: params.text } : {}),
        ...(params.show_alert !== undefined ? { show_alert: params.show_alert } : {}),
        ...(params.url !== undefined ? { url: params.url } : {}),
      };
      for (const wake of query.waiters) wake();
      return true;
    },
  };
}

/** Telegram's query ids are 64-bit numbers in decimal. */
export const queryId = () => randomBytes(8).readBigUInt64BE().toString();

export async function pressButton(sim: SimState, user: UserState, message: SimTgMessage, data: string, forge: boolean): Promise<CallbackHandle> {
  const state = sim.chatState(message.chat.id);
  const current = state.messages.find((candidate) => candidate.message_id === message.message_id);
  if (!current) throw new Error(`telegram sim: message ${message.message_id} is gone`);
  const hasButton = (current.reply_markup?.inline_keyboard ?? []).flat().some((button) => button.callback_data === data);
  if (!forge && !hasButton) throw new Error(`telegram sim: no button with callback_data "${data}" on message ${message.message_id}`);
  const id = queryId();
  const query: CallbackQuery = { createdAt: Date.now(), waiters: [] };
  sim.callbackQueries.set(id, query);
  sim.touch(state, user.id);
  state.seenEdits.set(current.message_id, state.edits.get(current.message_id) ?? 0);
  sim.updates.enqueue(
    {
      callback_query: {
        id,
        from: sim.publicUser(user),
        message: withoutSimFields(current),
        chat_instance: String(Math.abs(state.chat.id)),
        data,
      },
    },
    state.chat.id,
  );
  return {
    id,
    answered: (timeoutMs = 5_000) =>
      sim.waitUntil(timeoutMs, `an answer to callback query ${id}`, () => query.answer, (wake) => query.waiters.push(wake)),
  };
}
