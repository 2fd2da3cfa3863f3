import { Telegram, TelegramError } from 'telegraf';
import type { DeliveryGateway, SendResult } from '../../core/delivery/delivery-gateway.ts';
import { sendFile, type TelegramFileSource } from './files.ts';
import { htmlOptions } from './replies.ts';
import { renderTelegramMessage } from './render.ts';

/** Answers that mean this recipient cannot be reached by the bot, whatever is retried. */
const UNREACHABLE = /bot was blocked|user is deactivated|can't initiate conversation|chat not found|bot was kicked|PEER_ID_INVALID|have no rights to send/i;
const EDIT_ATTEMPTS = 3;
/** Edits Telegram refuses for good: the message is gone, or too old to edit. */
const UNEDITABLE = /message to edit not found|message can't be edited|MESSAGE_ID_INVALID/i;

/**
 * The delivery engine's Telegram side, REST only. Unlike the other gateways it does not retry
 * 429s itself: the engine pauses the shared bucket for exactly the retry_after, for every worker.
 * A reply with a file goes as that file with the text as its caption (the composer keeps such
 * text within Telegram's 1,024 characters).
 */
export function createTelegramDeliveryGateway(options: { token: string; apiRoot?: string | undefined; files?: TelegramFileSource }): DeliveryGateway {
  const telegram = new Telegram(options.token, { webhookReply: false, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}) });
  return {
    async send(target, reply, extras = {}): Promise<SendResult> {
      const message = renderTelegramMessage(reply);
      const paid = extras.paidBroadcast ? { allow_paid_broadcast: true } : {};
      try {
        const file = reply.files?.[0];
        if (file && options.files) {
          const sent = await sendFile(telegram, options.files, target.id, file, { caption: message.text, parse_mode: 'HTML', ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}), ...paid });
          if (sent) return { sent: String(sent.message_id) };
        }
        const sent = await telegram.sendMessage(target.id, message.text, { ...htmlOptions(message), ...paid });
        return { sent: String(sent.message_id) };
      } catch (error) {
        return classify(error);
      }
    },
    async edit(target, messageId, reply) {
      const message = renderTelegramMessage(reply);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await telegram.editMessageText(target.id, Number(messageId), undefined, message.text, htmlOptions(message));
          return true;
        } catch (error) {
          // An edit is one message every few seconds: waiting out a 429 here costs little, and the last edit (the final counts) must land.
          if (!(error instanceof TelegramError && error.code === 429 && attempt < EDIT_ATTEMPTS)) return uneditable(error);
          await new Promise((resolve) => setTimeout(resolve, Math.max(1, Number(error.parameters?.retry_after ?? 1)) * 1000));
        }
      }
    },
  };
}

/** False for an edit Telegram refuses for good (the caller sends a new message); true when nothing changed; else the error. */
function uneditable(error: unknown): boolean {
  if (error instanceof TelegramError && error.code === 400 && /message is not modified/i.test(error.description)) return true;
  if (error instanceof TelegramError && (error.code === 403 || (error.code === 400 && (UNEDITABLE.test(error.description) || UNREACHABLE.test(error.description))))) return false;
  throw error;
}

function classify(error: unknown): SendResult {
  if (!(error instanceof TelegramError)) {
    // No answer from Telegram (a timeout, a reset connection): it may have been delivered.
    return { ambiguous: error instanceof Error ? error.message : String(error) };
  }
  if (error.code === 429) return { retryAfterMs: Math.max(1, Number(error.parameters?.retry_after ?? 1)) * 1000 };
  if (error.code === 403 || (error.code === 400 && UNREACHABLE.test(error.description))) return { permanent: error.description };
  throw error;
}
