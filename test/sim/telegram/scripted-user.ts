/** A scripted Telegram user: what a member does in the app, turned into the updates the bot receives. */
import { pressButton } from './callbacks.ts';
import { addBot } from './chats.ts';
import { fileJoinRequest, joinByLink, leaveChat } from './invite-links.ts';
import { userMessage } from './messages.ts';
import { payInvoice } from './payments.ts';
import { cancelSubscriptionByUser } from './stars.ts';
import type { SimState } from './state.ts';
import { userCreateTopic, userToggleTopic } from './topics.ts';
import type { ScriptedTelegramUser } from './types.ts';
import { userFileMessage } from './user-files.ts';

export function scriptedUser(sim: SimState, userId: number): ScriptedTelegramUser {
  const user = sim.userState(userId);
  return {
    startBot: async (payload) => {
      user.started = true;
      user.blocked = false;
      return userMessage(sim, user, userId, payload ? `/start ${payload}` : '/start');
    },
    sendText: async (chatId, text, options) => userMessage(sim, user, chatId, text, { replyTo: options?.replyTo }),
    sendTopicMessage: async (chatId, threadId, text, options) => userMessage(sim, user, chatId, text, { threadId, replyTo: options?.replyTo }),
    createTopic: async (chatId, name, options) => userCreateTopic(sim, user, chatId, name, options?.iconColor),
    closeTopic: async (chatId, threadId) => userToggleTopic(sim, user, chatId, threadId, true),
    reopenTopic: async (chatId, threadId) => userToggleTopic(sim, user, chatId, threadId, false),
    sendPrivate: async (text) => userMessage(sim, user, userId, text),
    pressButton: async (message, data, options) => pressButton(sim, user, message, data, options?.forge ?? false),
    requestToJoin: async (chatId) => fileJoinRequest(sim, sim.chatState(chatId), user),
    joinByLink: async (link) => joinByLink(sim, user, link),
    leaveChat: async (chatId) => leaveChat(sim, user, chatId),
    payInvoice: (invoice) => payInvoice(sim, user, invoice),
    cancelStarSubscription: (chargeId) => cancelSubscriptionByUser(sim, userId, chargeId),
    addBot: async (chatId, rights) => addBot(sim, userId, chatId, rights),
    blockBot: () => {
      user.blocked = true;
    },
    sendDocument: async (chatId, file) => userFileMessage(sim, user, chatId, 'document', file),
    sendPhoto: async (chatId, file) => userFileMessage(sim, user, chatId, 'photo', file),
    sendAudio: async (chatId, file) => userFileMessage(sim, user, chatId, 'audio', file),
    sendVideo: async (chatId, file) => userFileMessage(sim, user, chatId, 'video', file),
  };
}
