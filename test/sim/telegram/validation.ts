/** Parameter parsing shared by all methods: Telegram's coercions, text rendering and inline keyboards. */
import { z } from 'zod';
import { type MessageEntity, parseHtml } from './html.ts';
import { ApiError, badRequest } from './errors.ts';
import { MAX_BUTTONS, TEXT_LIMIT } from './model.ts';
import type { SimTgMessage } from './types.ts';

export const chatId = z.union([z.number().int(), z.string().regex(/^-?\d+$|^@\w{5,32}$/)]);
export const int = z.coerce.number().int();
export const bool = z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());
/** Telegram takes objects as JSON strings in form-encoded or query parameters. */
export const jsonOrValue = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);
/** A string parameter the Bot API requires (`Parameter "x" is required` when missing or empty). */
export const requiredString = (field: string) =>
  z.string({ error: `parameter "${field}" is required` }).min(1, `parameter "${field}" is required`);
/** Bot API `user_id` parsing: anything but a positive integer is "invalid user_id specified". */
export const userId = z.preprocess(
  (value) => (Number.isSafeInteger(Number(value)) ? Number(value) : 0),
  z.number().int().positive({ error: 'invalid user_id specified' }),
);

export const entity = z.object({ type: z.string(), offset: z.number().int().min(0), length: z.number().int().min(1) }).loose();
export const inlineButton = z
  .object({
    text: z.string(),
    url: z.string().optional(),
    callback_data: z.string().optional(),
    switch_inline_query: z.string().optional(),
    pay: z.boolean().optional(),
  })
  .loose();
export const replyMarkup = z.union([
  z.object({ inline_keyboard: z.array(z.array(inlineButton)) }).loose(),
  z.object({ keyboard: z.array(z.array(z.unknown())) }).loose(),
  z.object({ remove_keyboard: z.literal(true) }).loose(),
  z.object({ force_reply: z.literal(true) }).loose(),
]);
export const chatRef = z.object({ chat_id: chatId }).loose();
export const memberRef = z.object({ chat_id: chatId, user_id: userId }).loose();

export function parse<T extends z.ZodType>(schema: T, params: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path[0];
  // Our own messages are Telegram's wording (codes or lower-case phrases); zod's defaults are not.
  if (/^([A-Z_]+|[a-z].*)$/.test(issue.message)) throw badRequest(issue.message);
  throw badRequest(issue.code === 'invalid_type' && params[String(field)] === undefined ? `${String(field)} is empty` : `invalid ${String(field)}`);
}

export function renderText(
  source: string,
  parseMode: string | undefined,
  entities: Array<z.infer<typeof entity>> | undefined,
): { text: string; entities?: MessageEntity[] } {
  let text = source;
  let parsedEntities: MessageEntity[] | undefined = entities as MessageEntity[] | undefined;
  if (parseMode === 'HTML') {
    const parsed = parseHtml(source);
    if (!parsed.ok) throw new ApiError(400, parsed.error);
    text = parsed.text;
    parsedEntities = parsed.entities;
  } else if (parseMode) {
    throw badRequest(`can't parse entities: the simulator supports parse_mode HTML only, not ${parseMode}`);
  }
  if (!text.trim()) throw badRequest('message text is empty');
  if (text.length > TEXT_LIMIT) throw badRequest('message is too long');
  return { text, ...(parsedEntities?.length ? { entities: parsedEntities } : {}) };
}

const BUTTON_KINDS = [
  'url',
  'callback_data',
  'switch_inline_query',
  'pay',
  'login_url',
  'web_app',
  'callback_game',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
];

export function validateMarkup(markup: z.infer<typeof replyMarkup> | undefined): SimTgMessage['reply_markup'] | undefined {
  if (!markup || !('inline_keyboard' in markup)) return undefined;
  const keyboard = markup.inline_keyboard as Array<Array<z.infer<typeof inlineButton>>>;
  const buttons = keyboard.flat();
  if (buttons.length > MAX_BUTTONS) throw badRequest('reply markup is too long');
  for (const button of buttons) {
    if (!button.text) throw badRequest('text buttons are unallowed in the inline keyboard');
    const kinds = BUTTON_KINDS.filter((kind) => (button as Record<string, unknown>)[kind] !== undefined);
    if (kinds.length !== 1) throw badRequest("can't parse inline keyboard button: exactly one of the optional fields must be used");
    if (button.callback_data !== undefined) {
      const bytes = Buffer.byteLength(button.callback_data);
      if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
    }
    if (button.url !== undefined && !/^(https?|tg):\/\/\S+$/.test(button.url)) {
      throw badRequest(`inline keyboard button URL '${button.url}' is invalid: Wrong HTTP URL`);
    }
  }
  return { inline_keyboard: keyboard as NonNullable<SimTgMessage['reply_markup']>['inline_keyboard'] };
}
