/**
 * Chat members: lookups, bans and unbans with the Bot API's checks and their order
 * (telegram-bot-api process_ban/unban_chat_member, TDLib DialogParticipantManager), and the
 * chat_member updates and service messages a status change produces.
 */
import { z } from 'zod';
import { badRequest, NOT_ENOUGH_RIGHTS_TO_RESTRICT } from './errors.ts';
import { type ChatState, chatMember, type InviteLinkState, inviteLinkJson, isInChat, type Member, now } from './model.ts';
import type { Methods, SimState } from './state.ts';
import { bool, chatId, chatRef, int, memberRef, parse, userId } from './validation.ts';

const schemas = {
  ban: z.object({ chat_id: chatId, user_id: userId, until_date: int.optional(), revoke_messages: bool.optional() }).loose(),
  unban: z.object({ chat_id: chatId, user_id: userId, only_if_banned: bool.optional() }).loose(),
};

export type MemberChange = {
  /** Who made the change (the user joining or leaving, or the admin/bot acting). */
  actorId: number;
  inviteLink?: InviteLinkState;
  viaJoinRequest?: boolean;
  /** The service message Telegram posts in groups (never in channels). */
  service?: 'joined' | 'left';
};

/** Sets a member's status and tells the bot: chat_member (or my_chat_member for itself) and a service message. */
export function changeMember(sim: SimState, state: ChatState, memberId: number, after: Member, change: MemberChange): void {
  const before = state.members.get(memberId) ?? { status: 'left' as const };
  state.members.set(memberId, after);
  const user = sim.userOrBot(memberId);
  const actor = sim.userOrBot(change.actorId);
  sim.updates.enqueue(
    {
      [memberId === sim.bot.id ? 'my_chat_member' : 'chat_member']: {
        chat: state.chat,
        from: actor,
        date: now(),
        old_chat_member: chatMember(user, before),
        new_chat_member: chatMember(user, after),
        ...(change.inviteLink ? { invite_link: inviteLinkJson(change.inviteLink, sim.userOrBot(change.inviteLink.creatorId), sim.bot.id) } : {}),
        ...(change.viaJoinRequest ? { via_join_request: true } : {}),
      },
    },
    state.chat.id,
  );
  if (state.chat.type === 'channel' || !change.service) return;
  if (change.service === 'joined') {
    sim.serviceMessage(state, user, { new_chat_participant: user, new_chat_member: user, new_chat_members: [user] });
  } else if (isInChat(before)) {
    sim.serviceMessage(state, actor, { left_chat_participant: user, left_chat_member: user });
  }
}

export function memberMethods(sim: SimState): Methods {
  return {
    getChatMember: (raw) => {
      const params = parse(memberRef, raw);
      const state = sim.knownChat(params.chat_id, params.user_id === sim.bot.id ? 'read' : 'members');
      const user = sim.userOrBot(params.user_id);
      return chatMember(user, state.members.get(params.user_id) ?? { status: state.chat.id === params.user_id ? 'member' : 'left' });
    },
    getChatAdministrators: (raw) => {
      const state = sim.knownChat(parse(chatRef, raw).chat_id, 'members');
      return [...state.members]
        .filter(([, member]) => member.status === 'creator' || member.status === 'administrator')
        .map(([id, member]) => chatMember(sim.userOrBot(id), member));
    },
    getChatMemberCount: (raw) => {
      const state = sim.knownChat(parse(chatRef, raw).chat_id, 'members');
      return [...state.members.values()].filter(isInChat).length;
    },
    banChatMember: (raw) => {
      const params = parse(schemas.ban, raw);
      const state = sim.knownChat(params.chat_id);
      if (state.chat.type === 'private') throw badRequest("can't ban members in private chats");
      sim.userOrBot(params.user_id);
      const member = state.members.get(params.user_id);
      if (params.user_id === sim.bot.id) throw badRequest("can't restrict self");
      if (member?.status === 'creator') throw badRequest("can't remove chat owner");
      if (!sim.botRights(state)?.can_restrict_members) throw badRequest(NOT_ENOUGH_RIGHTS_TO_RESTRICT);
      if (member?.status === 'administrator') throw badRequest('user is an administrator of the chat');
      // A basic group has no ban list: the user is removed and may come back by a link.
      const after: Member = state.chat.type === 'group' ? { status: 'left' } : { status: 'kicked', untilDate: banUntil(params.until_date) };
      changeMember(sim, state, params.user_id, after, { actorId: sim.bot.id, service: 'left' });
      return true;
    },
    unbanChatMember: (raw) => {
      const params = parse(schemas.unban, raw);
      const state = sim.knownChat(params.chat_id);
      if (state.chat.type !== 'supergroup' && state.chat.type !== 'channel') {
        throw badRequest('method is available for supergroup and channel chats only');
      }
      const member = state.members.get(params.user_id);
      // only_if_banned answers true for anyone not banned, before any rights check.
      if (params.only_if_banned && member?.status !== 'kicked') return true;
      sim.userOrBot(params.user_id);
      if (member?.status === 'creator') throw badRequest("can't remove chat owner");
      if (!sim.botRights(state)?.can_restrict_members) throw badRequest(NOT_ENOUGH_RIGHTS_TO_RESTRICT);
      if (member?.status === 'administrator') throw badRequest('user is an administrator of the chat');
      // Without only_if_banned a current member is removed too (the Bot API's documented trap).
      if (member && member.status !== 'left') changeMember(sim, state, params.user_id, { status: 'left' }, { actorId: sim.bot.id, service: 'left' });
      return true;
    },
  };
}

/** Telegram bans forever when until_date is less than 30 s or more than 366 days away. */
function banUntil(untilDate: number | undefined): number {
  if (!untilDate) return 0;
  const delta = untilDate - now();
  return delta < 30 || delta > 366 * 86_400 ? 0 : untilDate;
}
