import type { Logger } from 'pino';
import { Telegram, TelegramError } from 'telegraf';
import type { SupportGateway } from '../../core/support/support-gateway.ts';
import { sendToPrivateChat } from './private-messages.ts';
import { htmlOptions } from './replies.ts';
import { retryRateLimited } from './rate-limit.ts';
import { renderTelegramMessage } from './render.ts';

/** Answers a retry cannot change: the group is no forum, the bot lost its rights, the topic is gone. */
const PERMANENT = /not a forum|not enough rights|thread not found|TOPIC_ID_INVALID|TOPIC_DELETED|chat not found|bot was kicked/i;

/**
 * Telegram's side of the human takeover: a forum topic per ticket in the staff supergroup, and
 * the member's private chat. Telegram has no roles to ping; staff in the group are notified of
 * new topics and messages by Telegram itself.
 */
export function createTelegramSupportGateway(options: { token: string; apiRoot?: string | undefined; log: Logger }): SupportGateway {
  const telegram = new Telegram(options.token, { webhookReply: false, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}) });
  retryRateLimited(telegram, options.log);
  const permanent = (error: unknown) => error instanceof TelegramError && (error.code === 403 || (error.code === 400 && PERMANENT.test(error.description)));
  return {
    async openHandoff({ space, title }) {
      try {
        const topic = await telegram.createForumTopic(Number(space.spaceId), title);
        return { threadId: String(topic.message_thread_id) };
      } catch (error) {
        if (permanent(error)) return { blocked: (error as TelegramError).description };
        throw error;
      }
    },
    async postToHandoff({ space, threadId, reply }) {
      const message = renderTelegramMessage(reply);
      try {
        const sent = await telegram.sendMessage(Number(space.spaceId), message.text, { ...htmlOptions(message), message_thread_id: Number(threadId) });
        return { messageId: String(sent.message_id) };
      } catch (error) {
        if (permanent(error)) return { blocked: (error as TelegramError).description };
        throw error;
      }
    },
    postToMember: ({ userId, reply }) => sendToPrivateChat(telegram, userId, reply),
  };
}
