import { type Telegram, TelegramError } from 'telegraf';
import type { Reply } from '../../core/reply.ts';
import { htmlOptions } from './replies.ts';
import { renderTelegramMessage } from './render.ts';

/**
 * A message from the workers to a member's private chat; `unreachable` when they never pressed
 * Start or blocked the bot (403, chat not found). Outages are thrown for the job to retry.
 */
export async function sendToPrivateChat(telegram: Telegram, userId: string, reply: Reply): Promise<{ messageId: string } | { unreachable: true }> {
  const message = renderTelegramMessage(reply);
  try {
    const sent = await telegram.sendMessage(Number(userId), message.text, htmlOptions(message));
    return { messageId: String(sent.message_id) };
  } catch (error) {
    if (error instanceof TelegramError && (error.code === 403 || /chat not found/i.test(error.description))) return { unreachable: true };
    throw error;
  }
}
