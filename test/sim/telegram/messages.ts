/** Messages: the bot's send/edit/delete methods, and the text a scripted user writes and whether the bot gets it. */
import { z } from 'zod';
import { badRequest, SimUserError } from './errors.ts';
import type { MessageEntity } from './html.ts';
import { type ChatState, isInChat, now, repliedMessage, type UserState, withoutSimFields } from './model.ts';
import type { Methods, SimState } from './state.ts';
import { botMessagePlace, canPostInTopic, topicFields } from './topics.ts';
import type { SimTgMessage } from './types.ts';
import { chatId, chatRef, entity, int, bool, jsonOrValue, parse, renderText, replyMarkup, validateMarkup } from './validation.ts';

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/** Where a new bot message goes: the message it replies to and the forum topic. */
export const replyFields = {
  reply_parameters: jsonOrValue(z.object({ message_id: int, allow_sending_without_reply: bool.optional() }).loose()).optional(),
  reply_to_message_id: int.optional(),
  allow_sending_without_reply: bool.optional(),
  message_thread_id: int.optional(),
};
type ReplyParams = z.infer<z.ZodObject<typeof replyFields>>;

const schemas = {
  sendMessage: z
    .object({
      chat_id: chatId,
      text: z.string({ error: 'message text is empty' }),
      parse_mode: z.enum(['HTML', 'MarkdownV2', 'Markdown']).optional(),
      entities: jsonOrValue(z.array(entity)).optional(),
      reply_markup: jsonOrValue(replyMarkup).optional(),
      ...replyFields,
    })
    .loose(),
  editMessageText: z
    .object({
      chat_id: chatId.optional(),
      message_id: int.optional(),
      text: z.string({ error: 'message text is empty' }),
      parse_mode: z.enum(['HTML', 'MarkdownV2', 'Markdown']).optional(),
      entities: jsonOrValue(z.array(entity)).optional(),
      reply_markup: jsonOrValue(replyMarkup).optional(),
    })
    .loose(),
  editMessageReplyMarkup: z
    .object({ chat_id: chatId.optional(), message_id: int.optional(), reply_markup: jsonOrValue(replyMarkup).optional() })
    .loose(),
  messageRef: z.object({ chat_id: chatId, message_id: int }),
};

export function messageMethods(sim: SimState): Methods {
  return {
    sendMessage: (raw) => {
      const params = parse(schemas.sendMessage, raw);
      const state = sim.writableChat(params.chat_id);
      const content = renderText(params.text, params.parse_mode, params.entities);
      const markup = validateMarkup(params.reply_markup);
      const place = botReplyPlace(sim, state, params);
      return sim.botMessage(state, { ...place, ...content, ...(markup ? { reply_markup: markup } : {}) });
    },
    editMessageText: (raw) => {
      const params = parse(schemas.editMessageText, raw);
      const { state, message } = editableMessage(sim, params.chat_id, params.message_id);
      const content = renderText(params.text, params.parse_mode, params.entities);
      const markup = validateMarkup(params.reply_markup);
      if (
        message.text === content.text &&
        JSON.stringify(message.entities ?? []) === JSON.stringify(content.entities ?? []) &&
        JSON.stringify(message.reply_markup) === JSON.stringify(markup)
      ) {
        throw badRequest(NOT_MODIFIED);
      }
      message.text = content.text;
      if (content.entities) message.entities = content.entities;
      else delete message.entities;
      if (markup) message.reply_markup = markup;
      else delete message.reply_markup;
      return sim.edited(state, message);
    },
    editMessageReplyMarkup: (raw) => {
      const params = parse(schemas.editMessageReplyMarkup, raw);
      const { state, message } = editableMessage(sim, params.chat_id, params.message_id);
      const markup = validateMarkup(params.reply_markup);
      if (JSON.stringify(message.reply_markup) === JSON.stringify(markup)) throw badRequest(NOT_MODIFIED);
      if (markup) message.reply_markup = markup;
      else delete message.reply_markup;
      return sim.edited(state, message);
    },
    deleteMessage: (raw) => {
      const params = parse(schemas.messageRef, raw);
      const state = sim.knownChat(params.chat_id);
      const index = state.messages.findIndex((message) => message.message_id === params.message_id);
      if (index < 0) throw badRequest('message to delete not found');
      const message = state.messages[index]!;
      if (!message.fromBot && state.chat.type !== 'private' && !sim.botRights(state)?.can_delete_messages) {
        throw badRequest("message can't be deleted");
      }
      state.messages.splice(index, 1);
      if (state.cursor > index) state.cursor -= 1;
      return true;
    },
    sendChatAction: (raw) => {
      sim.writableChat(parse(chatRef, raw).chat_id);
      return true;
    },
  };
}

/** The reply and topic of a new bot message, checked as sendMessage checks them. */
export function botReplyPlace(sim: SimState, state: ChatState, params: ReplyParams): Partial<SimTgMessage> {
  const replyTo = params.reply_parameters?.message_id ?? params.reply_to_message_id;
  const target = replyTo === undefined ? undefined : state.messages.find((message) => message.message_id === replyTo);
  if (replyTo !== undefined && !target && !params.reply_parameters?.allow_sending_without_reply && !params.allow_sending_without_reply) {
    throw badRequest('message to be replied not found');
  }
  return botMessagePlace(sim, state, params.message_thread_id, target);
}

function editableMessage(sim: SimState, chat: number | string | undefined, messageId: number | undefined) {
  if (chat === undefined || messageId === undefined) throw badRequest('message identifier is not specified');
  const state = sim.knownChat(chat);
  const message = state.messages.find((candidate) => candidate.message_id === messageId);
  if (!message) throw badRequest('message to edit not found');
  if (!message.fromBot) throw badRequest("message can't be edited");
  return { state, message };
}

/**
 * A scripted user's text in a group they belong to, or in their own private chat with the bot;
 * in a forum topic with `threadId`, or in the topic of the message it replies to.
 */
export function userMessage(sim: SimState, user: UserState, chat: number, text: string, options: { threadId?: number; replyTo?: number } = {}): SimTgMessage {
  return userContentMessage(sim, user, chat, () => ({ text, ...textEntities(text) }), options);
}

/** A scripted user's message of any content (`content` runs once the user may write there), e.g. a document with a caption. */
export function userContentMessage(
  sim: SimState,
  user: UserState,
  chat: number,
  content: () => Partial<SimTgMessage>,
  options: { threadId?: number; replyTo?: number } = {},
): SimTgMessage {
  const state = sim.chatState(chat);
  assertCanWrite(state, user, chat);
  const place = userPlace(state, user, options);
  const message: SimTgMessage = {
    message_id: sim.nextMessageId(state),
    date: now(),
    chat: state.chat,
    from: sim.publicUser(user),
    ...place,
    ...content(),
    fromBot: false,
  };
  state.messages.push(message);
  sim.touch(state, user.id);
  if (reachesBot(sim, state, message)) sim.updates.enqueue({ message: withoutSimFields(message) }, state.chat.id);
  return structuredClone(message);
}

function userPlace(state: ChatState, user: UserState, options: { threadId?: number; replyTo?: number }): Partial<SimTgMessage> {
  const chat = state.chat.id;
  const target = options.replyTo === undefined ? undefined : state.messages.find((message) => message.message_id === options.replyTo);
  if (options.replyTo !== undefined && !target) throw new Error(`telegram sim: no message ${options.replyTo} in chat ${chat} to reply to`);
  const threadId = options.threadId ?? (target?.is_topic_message ? target.message_thread_id : undefined);
  if (threadId === undefined) return target ? { reply_to_message: repliedMessage(target) } : {};
  const topic = state.chat.is_forum ? state.topics.get(threadId) : undefined;
  if (!topic) throw new Error(`telegram sim: no topic ${threadId} in chat ${chat}`);
  if (!canPostInTopic(state, topic, user.id)) throw new SimUserError('TOPIC_CLOSED');
  return topicFields(state, topic, target);
}

/** The entities the app marks in what a user types: a leading /command and @username mentions. */
export function textEntities(text: string): Pick<SimTgMessage, 'entities'> {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{5,32})?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const mention of text.matchAll(/(?<![\w/@])@[A-Za-z0-9_]{5,32}\b/g)) entities.push({ type: 'mention', offset: mention.index, length: mention[0].length });
  return entities.length ? { entities } : {};
}

/**
 * Whether a member's group message reaches the bot: not when the bot is not in the chat; with
 * privacy mode on and the bot no admin, only commands (not /cmd@other_bot), @mentions of it and
 * replies to its messages, including a topic message's implicit reply to a topic the bot created.
 * A media message's caption counts as its text.
 */
function reachesBot(sim: SimState, state: ChatState, message: SimTgMessage): boolean {
  if (state.chat.type === 'private') return true;
  const bot = state.members.get(sim.bot.id);
  if (!isInChat(bot)) return false;
  if (!sim.privacyMode || bot?.status === 'administrator' || bot?.status === 'creator') return true;
  const own = `@${sim.bot.username.toLowerCase()}`;
  for (const entity of message.entities ?? message.caption_entities ?? []) {
    const value = (message.text ?? message.caption ?? '').slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === 'bot_command' && (!value.includes('@') || value.endsWith(own))) return true;
    if (entity.type === 'mention' && value === own) return true;
  }
  return message.reply_to_message?.from?.id === sim.bot.id;
}

function assertCanWrite(state: ChatState, user: UserState, chat: number): void {
  if (state.chat.type === 'private') {
    if (chat !== user.id) throw new Error('telegram sim: users write to their own private chat with the bot');
    return;
  }
  if (state.migratedTo !== undefined) throw new Error(`telegram sim: chat ${chat} was upgraded to supergroup ${state.migratedTo}`);
  const member = state.members.get(user.id);
  if (!isInChat(member)) throw new Error(`telegram sim: user ${user.id} is not in chat ${chat}`);
  if (state.chat.type === 'channel' && member?.status === 'member') throw new Error(`telegram sim: only admins post in channel ${chat}`);
}
