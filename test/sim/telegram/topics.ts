/**
 * Forum topics as telegram-bot-api and TDLib's ForumTopicManager handle them: a topic's id is the
 * id of its forum_topic_created service message, posted in the topic; closing, reopening and
 * renaming post forum_topic_closed/reopened/edited there (the bot receives these even for its own
 * actions). can_manage_topics is needed unless the topic is the actor's own; a closed topic takes
 * messages only from its creator and those who may manage topics (others get TOPIC_CLOSED).
 */
import { z } from 'zod';
import { badRequest, SimUserError } from './errors.ts';
import { type ChatState, repliedMessage, type TopicState, topicJson, type UserState } from './model.ts';
import type { Methods, SimState } from './state.ts';
import type { SimForumTopic, SimTgMessage } from './types.ts';
import { chatId, int, parse } from './validation.ts';

/** Telegram's default icon color (0x6FB9F0), and the length TDLib cuts names to. */
const DEFAULT_ICON_COLOR = 7_322_096;
const NAME_LIMIT = 128;

const schemas = {
  create: z
    .object({ chat_id: chatId, name: z.string().optional(), icon_color: int.optional(), icon_custom_emoji_id: z.string().optional() })
    .loose(),
  edit: z.object({ chat_id: chatId, message_thread_id: int.optional(), name: z.string().optional(), icon_custom_emoji_id: z.string().optional() }).loose(),
  toggle: z.object({ chat_id: chatId, message_thread_id: int.optional() }).loose(),
};

export function topicMethods(sim: SimState): Methods {
  return {
    createForumTopic: (raw) => {
      const params = parse(schemas.create, raw);
      const state = forum(sim.knownChat(params.chat_id));
      if (!sim.botRights(state)?.can_manage_topics) throw badRequest('not enough rights to create a topic');
      const { closed: _closed, ...forumTopic } = topicJson(
        createTopic(sim, state, sim.bot.id, { name: params.name ?? '', iconColor: params.icon_color, iconCustomEmojiId: params.icon_custom_emoji_id }),
      );
      return forumTopic;
    },
    editForumTopic: (raw) => {
      const params = parse(schemas.edit, raw);
      const { state, topic } = botTopic(sim, params.chat_id, params.message_thread_id, 'not enough rights to edit the topic');
      const name = params.name ? cleanName(params.name) : '';
      if (params.name && !name) throw badRequest('name must be non-empty');
      const emoji = params.icon_custom_emoji_id;
      if (!name && emoji === undefined) return true;
      if ((!name || name === topic.name) && (emoji === undefined || emoji === (topic.iconCustomEmojiId ?? ''))) throw badRequest('TOPIC_NOT_MODIFIED');
      if (name) topic.name = name;
      if (emoji !== undefined) topic.iconCustomEmojiId = emoji || undefined;
      topicService(sim, state, topic, sim.bot, {
        forum_topic_edited: { ...(name ? { name } : {}), ...(emoji !== undefined ? { icon_custom_emoji_id: emoji } : {}) },
      });
      return true;
    },
    closeForumTopic: (raw) => {
      const params = parse(schemas.toggle, raw);
      const { state, topic } = botTopic(sim, params.chat_id, params.message_thread_id, 'not enough rights to close or open the topic');
      setTopicClosed(sim, state, topic, sim.bot.id, true);
      return true;
    },
    reopenForumTopic: (raw) => {
      const params = parse(schemas.toggle, raw);
      const { state, topic } = botTopic(sim, params.chat_id, params.message_thread_id, 'not enough rights to close or open the topic');
      setTopicClosed(sim, state, topic, sim.bot.id, false);
      return true;
    },
  };
}

/** TDLib's is_forum, which refuses private chats, basic groups, channels and plain supergroups alike. */
function forum(state: ChatState): ChatState {
  if (state.chat.type !== 'supergroup' || !state.chat.is_forum) throw badRequest('the chat is not a forum');
  return state;
}

/** The topic a bot's close/reopen/edit names, with TDLib's checks in their order. */
function botTopic(sim: SimState, chat: number | string, threadId: number | undefined, noRights: string) {
  const state = forum(sim.knownChat(chat));
  // The Bot API reads a missing or negative id as 0, which TDLib refuses before asking Telegram.
  if (!threadId || threadId < 0) throw badRequest('invalid forum topic identifier specified');
  const topic = state.topics.get(threadId);
  if (topic && topic.creatorId !== sim.bot.id && !sim.botRights(state)?.can_manage_topics) throw badRequest(noRights);
  if (!topic) throw badRequest('TOPIC_ID_INVALID');
  return { state, topic };
}

/** TDLib's clean_name: control characters out, whitespace trimmed, cut to 128 characters. */
function cleanName(name: string): string {
  return [...name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim()].slice(0, NAME_LIMIT).join('').trim();
}

/** Stores a topic and posts its forum_topic_created message, whose id becomes the topic's id. */
export function createTopic(
  sim: SimState,
  state: ChatState,
  actorId: number,
  input: { name: string; iconColor?: number; iconCustomEmojiId?: string },
): TopicState {
  const name = cleanName(input.name);
  if (!name) throw badRequest('name must be non-empty');
  const iconColor = input.iconColor ?? DEFAULT_ICON_COLOR;
  if (iconColor < 0 || iconColor > 0xffffff) throw badRequest('invalid icon color specified');
  const topic: TopicState = {
    id: state.lastMessageId + 1,
    name,
    iconColor,
    ...(input.iconCustomEmojiId ? { iconCustomEmojiId: input.iconCustomEmojiId } : {}),
    closed: false,
    creatorId: actorId,
  };
  state.topics.set(topic.id, topic);
  const created = { name, icon_color: iconColor, ...(topic.iconCustomEmojiId ? { icon_custom_emoji_id: topic.iconCustomEmojiId } : {}) };
  const message = sim.serviceMessage(state, sim.userOrBot(actorId), { message_thread_id: topic.id, is_topic_message: true, forum_topic_created: created });
  if (message.message_id !== topic.id) throw new Error('telegram sim: topic id and its service message id differ');
  return topic;
}

export function setTopicClosed(sim: SimState, state: ChatState, topic: TopicState, actorId: number, closed: boolean): void {
  if (topic.closed === closed) throw badRequest('TOPIC_NOT_MODIFIED');
  topic.closed = closed;
  topicService(sim, state, topic, sim.userOrBot(actorId), closed ? { forum_topic_closed: {} } : { forum_topic_reopened: {} });
}

function topicService(sim: SimState, state: ChatState, topic: TopicState, from: Record<string, unknown> & { id: number }, content: Partial<SimTgMessage>): void {
  sim.serviceMessage(state, from, { ...topicFields(state, topic), ...content });
}

/** Whether `userId` may manage topics in the chat: its creator, or an admin with can_manage_topics. */
export function canManageTopics(state: ChatState, userId: number): boolean {
  const member = state.members.get(userId);
  return member?.status === 'creator' || (member?.status === 'administrator' && member.rights?.can_manage_topics === true);
}

/** A closed topic takes messages only from its creator and those who may manage topics. */
export const canPostInTopic = (state: ChatState, topic: TopicState, userId: number) =>
  !topic.closed || topic.creatorId === userId || canManageTopics(state, userId);

/**
 * The fields of a message in a topic: a message that replies to nothing replies implicitly to
 * the topic's forum_topic_created message, which the Bot API fills in as reply_to_message.
 */
export function topicFields(state: ChatState, topic: TopicState, replyTo?: SimTgMessage): Partial<SimTgMessage> {
  const root = replyTo ?? state.messages.find((message) => message.message_id === topic.id);
  return { message_thread_id: topic.id, is_topic_message: true, ...(root ? { reply_to_message: repliedMessage(root) } : {}) };
}

/**
 * Where a bot's message goes (telegram-bot-api check_message_topic): in a forum, message_thread_id
 * must name one of its topics (General's 1 is refused too); elsewhere it is ignored, except in
 * private chats, which have no topics here. Without one, a reply to a topic message lands in its topic.
 */
export function botMessagePlace(sim: SimState, state: ChatState, threadId: number | undefined, replyTo: SimTgMessage | undefined): Partial<SimTgMessage> {
  let topic: TopicState | undefined;
  if (threadId && threadId > 0 && (state.chat.type === 'private' || state.chat.is_forum)) {
    topic = state.topics.get(threadId);
    if (!topic) throw badRequest('message thread not found');
  } else if (replyTo?.is_topic_message && replyTo.message_thread_id !== undefined) {
    topic = state.topics.get(replyTo.message_thread_id);
  }
  if (!topic) return replyTo ? { reply_to_message: repliedMessage(replyTo) } : {};
  if (!canPostInTopic(state, topic, sim.bot.id)) throw badRequest('TOPIC_CLOSED');
  return topicFields(state, topic, replyTo);
}

/** A scripted user creates a topic; what the app would not offer them is a bug in the test. */
export function userCreateTopic(sim: SimState, user: UserState, chatId: number, name: string, iconColor?: number): SimForumTopic {
  const state = sim.chatState(chatId);
  if (state.chat.type !== 'supergroup' || !state.chat.is_forum) throw new Error(`telegram sim: chat ${chatId} is not a forum`);
  // Members may create topics when the chat's permissions allow it; those are not modelled.
  if (!canManageTopics(state, user.id)) throw new Error(`telegram sim: user ${user.id} may not create topics in chat ${chatId}`);
  sim.touch(state, user.id);
  return topicJson(createTopic(sim, state, user.id, { name, iconColor }));
}

export function userToggleTopic(sim: SimState, user: UserState, chatId: number, threadId: number, closed: boolean): void {
  const state = sim.chatState(chatId);
  const topic = state.topics.get(threadId);
  if (!topic) throw new Error(`telegram sim: no topic ${threadId} in chat ${chatId}`);
  if (topic.creatorId !== user.id && !canManageTopics(state, user.id)) throw new Error(`telegram sim: user ${user.id} may not close or reopen topic ${threadId}`);
  if (topic.closed === closed) throw new SimUserError('TOPIC_NOT_MODIFIED');
  sim.touch(state, user.id);
  setTopicClosed(sim, state, topic, user.id, closed);
}

export const topicSnapshots = (state: ChatState): SimForumTopic[] => [...state.topics.values()].map(topicJson);
