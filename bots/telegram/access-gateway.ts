import type { Logger } from 'pino';
import { Telegram, TelegramError } from 'telegraf';
import { z } from 'zod';
import type { AccessGateway, AccessOutcome } from '../../core/access/access-gateway.ts';
import type { StarsGateway } from '../../core/commerce/providers.ts';
import { retryRateLimited } from './rate-limit.ts';
import { sendToPrivateChat } from './private-messages.ts';
import { sendStarsInvoice } from './stars-invoice.ts';

/** The parts of getStarTransactions' answer the payments sweep reads (newest first). */
const starTransactions = z.object({
  transactions: z.array(
    z.looseObject({
      id: z.string().min(1).max(255),
      amount: z.number().int().positive(),
      date: z.number().int(),
      source: z
        .looseObject({
          type: z.string(),
          user: z.looseObject({ id: z.number().int() }).optional(),
          invoice_payload: z.string().max(128).optional(),
          subscription_period: z.number().int().positive().optional(),
        })
        .optional(),
    }),
  ),
});

/** Bot API answers that no retry can change, and what a creator should do about each. */
const permanent: Array<{ match: RegExp; reason: string }> = [
  { match: /not enough rights/i, reason: 'the bot is not an admin with the right to invite and remove members in this chat' },
  { match: /user is an administrator|can't remove chat owner/i, reason: 'the member is an administrator of the chat, so the bot cannot remove them' },
  { match: /supergroup and channel chats only/i, reason: 'this is a basic group: convert it to a supergroup (any public link or history setting does it) so access can be removed' },
  { match: /chat not found|bot was kicked|bot is not a member/i, reason: 'the bot is no longer in this chat' },
  { match: /group chat was upgraded to a supergroup/i, reason: 'the group became a supergroup: its new id must be linked (run /setup there)' },
];

function classify(error: unknown): AccessOutcome {
  if (!(error instanceof TelegramError) || error.code === 429 || error.code >= 500) throw error;
  const known = permanent.find((rule) => rule.match.test(error.description));
  if (known) return { kind: 'blocked', reason: known.reason };
  throw error;
}

/**
 * The Telegram side of access, REST only (the Bot API client, no polling), for workers:
 * single-use invite links, removal without a lasting ban, private messages, Stars refunds.
 */
export function createTelegramAccessGateway(options: {
  token: string;
  apiRoot?: string | undefined;
  log: Logger;
  /** Waits for the rate of a message to `chatId` (the bot's overall and the chat's own), shared by every process. */
  pace?: (chatId: string) => Promise<unknown>;
}): AccessGateway & StarsGateway {
  const telegram = new Telegram(options.token, { webhookReply: false, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}) });
  retryRateLimited(telegram, options.log);
  const callApi = telegram.callApi.bind(telegram) as unknown as (method: string, payload: object) => Promise<unknown>;
  return {
    async setRole() {
      return { kind: 'blocked', reason: 'not a Telegram resource' };
    },
    async inviteToChat({ chatId, expiresAt, name }) {
      try {
        const link = await telegram.createChatInviteLink(chatId, { member_limit: 1, expire_date: Math.floor(expiresAt.getTime() / 1000), name: name.slice(0, 32) });
        return { kind: 'done', inviteLink: link.invite_link };
      } catch (error) {
        return classify(error);
      }
    },
    async removeFromChat({ chatId, userId }) {
      try {
        await telegram.banChatMember(chatId, Number(userId));
        await telegram.unbanChatMember(chatId, Number(userId), { only_if_banned: true });
        return { kind: 'done' };
      } catch (error) {
        return classify(error);
      }
    },
    async readChatMember({ chatId, userId }) {
      try {
        const member = await telegram.getChatMember(chatId, Number(userId));
        const present = ['creator', 'administrator', 'member'].includes(member.status) || (member.status === 'restricted' && member.is_member);
        return { present, status: member.status };
      } catch (error) {
        // Never in the chat: the Bot API answers 400 "user not found" (or "member not found").
        if (error instanceof TelegramError && error.code === 400 && /(user|member|participant)[ _]not[ _]found/i.test(error.description)) return { present: false, status: 'left' };
        const outcome = classify(error);
        return { blocked: outcome.kind === 'blocked' ? outcome.reason : 'the chat could not be read' };
      }
    },
    async notify(userId, reply, locale = 'en') {
      await options.pace?.(userId);
      const reached = 'messageId' in (await sendToPrivateChat(telegram, userId, reply));
      if (reached && reply.invoice) {
        await options.pace?.(userId);
        await sendStarsInvoice(telegram, Number(userId), reply.invoice, locale);
      }
      return reached;
    },
    async cancelSubscription(userId, firstChargeId) {
      await callApi('editUserStarSubscription', { user_id: Number(userId), telegram_payment_charge_id: firstChargeId, is_canceled: true });
    },
    async *listPayments(since) {
      const page = 100;
      for (let offset = 0; ; offset += page) {
        const { transactions } = starTransactions.parse(await callApi('getStarTransactions', { offset, limit: page }));
        for (const transaction of transactions) {
          if (transaction.date * 1000 < since.getTime()) return;
          const source = transaction.source;
          if (source?.type !== 'user' || !source.user || !source.invoice_payload) continue;
          yield {
            chargeId: transaction.id,
            userId: String(source.user.id),
            amount: transaction.amount,
            payload: source.invoice_payload,
            paidAt: new Date(transaction.date * 1000),
            subscriptionPeriodS: source.subscription_period,
          };
        }
        if (transactions.length < page) return;
      }
    },
    async refund(userId, chargeId) {
      try {
        await callApi('refundStarPayment', { user_id: Number(userId), telegram_payment_charge_id: chargeId });
      } catch (error) {
        // A retried job whose first try went through: the charge is refunded, which is the goal.
        if (error instanceof TelegramError && /CHARGE_ALREADY_REFUNDED/.test(error.description)) return;
        throw error;
      }
    },
  };
}
