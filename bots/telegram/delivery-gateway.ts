import { Telegram, TelegramError } from 'telegraf';
import type { DeliveryGateway, SendResult } from '../../core/delivery/delivery-gateway.ts';
import { htmlOptions } from './replies.ts';
import { renderTelegramMessage } from './render.ts';

/** Answers that mean this recipient cannot be reached by the bot, whatever is retried. */
const UNREACHABLE = /bot was blocked|user is deactivated|can't initiate conversation|chat not found|bot was kicked|PEER_ID_INVALID|have no rights to send/i;

/**
 * The delivery engine's Telegram side, REST only. Unlike the other gateways it does not retry
 * 429s itself: the engine pauses the shared bucket for exactly the retry_after, for every worker.
 */
export function createTelegramDeliveryGateway(options: { token: string; apiRoot?: string | undefined }): DeliveryGateway {
  const telegram = new Telegram(options.token, { webhookReply: false, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}) });
  return {
    async send(target, reply): Promise<SendResult> {
      const message = renderTelegramMessage(reply);
      try {
        const sent = await telegram.sendMessage(target.id, message.text, htmlOptions(message));
        return { sent: String(sent.message_id) };
      } catch (error) {
        return classify(error);
      }
    },
  };
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
