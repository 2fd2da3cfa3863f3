import type { Telegraf } from 'telegraf';
import { handlePresence } from '../../core/dispatch.ts';
import type { BotContext } from './context.ts';

const IN = ['member', 'administrator', 'creator', 'restricted'];

/**
 * `chat_member` updates (asked for explicitly in allowed_updates): who joined or left a chat.
 * Core decides: an entitled member is now in; someone who let themselves in through a link
 * without an entitlement is removed; a leaver is recorded.
 */
export function mountChatMembers(bot: Telegraf, context: BotContext): void {
  bot.on('chat_member', async (ctx) => {
    const update = ctx.chatMember;
    const before = IN.includes(update.old_chat_member.status) && update.old_chat_member.status !== 'restricted';
    const after = update.new_chat_member;
    const nowIn = IN.includes(after.status) && (after.status !== 'restricted' || ('is_member' in after && after.is_member));
    if (before === nowIn || after.user.is_bot) return;
    const user = after.user;
    const caller = {
      platform: 'telegram' as const,
      userId: String(user.id),
      displayName: [user.first_name, user.last_name].filter(Boolean).join(' '),
      username: user.username,
      locale: user.language_code,
      spaceId: String(update.chat.id),
    };
    const { enqueued } = await handlePresence(context.deps, {
      caller,
      change: nowIn ? 'joined' : 'left',
      joinedByLink: Boolean(update.invite_link) && update.from.id === user.id,
      isAdministrator: after.status === 'administrator' || after.status === 'creator',
    });
    if (enqueued) context.log.info({ chatId: update.chat.id, enqueued }, 'chat membership change queued for the access worker');
  });
}
