/**
 * Invite links and join requests: the bot's createChatInviteLink / revokeChatInviteLink /
 * approve / decline, and scripted users opening links, asking to join and leaving. Checks and
 * wording follow TDLib's DialogInviteLinkManager (rights, member_limit with join requests) and
 * the MTProto errors users see (INVITE_HASH_EXPIRED, INVITE_REQUEST_SENT, ...).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { badRequest, SimUserError } from './errors.ts';
import { type ChatState, type InviteLinkState, inviteLinkJson, isInChat, now, type UserState } from './model.ts';
import { changeMember } from './members.ts';
import type { Methods, SimState } from './state.ts';
import type { JoinOutcome } from './types.ts';
import { bool, chatId, int, memberRef, parse, requiredString } from './validation.ts';

/** TDLib cuts link names to 32 characters (clean_name) instead of refusing longer ones. */
const MAX_NAME_LENGTH = 32;

const schemas = {
  create: z
    .object({
      chat_id: chatId,
      name: z.string().optional(),
      // The Bot API clamps to 0..100000 (0 = no limit); Telegram refuses 100000 itself.
      expire_date: int.optional(),
      member_limit: int.optional(),
      creates_join_request: bool.optional(),
    })
    .loose(),
  revoke: z.object({ chat_id: chatId, invite_link: requiredString('invite_link') }).loose(),
};

export function inviteLinkMethods(sim: SimState): Methods {
  const manageable = (chat: number | string, what: 'invite link' | 'join requests') => {
    const state = sim.knownChat(chat);
    if (state.chat.type === 'private') throw badRequest(what === 'invite link' ? "can't invite members to a private chat" : "the chat can't have join requests");
    if (!sim.botRights(state)?.can_invite_users) throw badRequest(`not enough rights to manage chat ${what}`);
    return state;
  };
  const linkOf = (state: ChatState, url: string) => {
    const link = sim.inviteLinks.get(url);
    if (!link || link.chat !== state) throw badRequest('INVITE_HASH_EXPIRED');
    return link;
  };
  const settle = (raw: Record<string, unknown>, approve: boolean) => {
    const params = parse(memberRef, raw);
    const state = manageable(params.chat_id, 'join requests');
    const request = state.joinRequests.get(params.user_id);
    if (!request) throw badRequest('HIDE_REQUESTER_MISSING');
    state.joinRequests.delete(params.user_id);
    if (approve) {
      if (request.link) request.link.joinedCount += 1;
      changeMember(sim, state, params.user_id, { status: 'member' }, { actorId: sim.bot.id, viaJoinRequest: true, service: 'joined', ...(request.link ? { inviteLink: request.link } : {}) });
    }
    return true;
  };
  return {
    createChatInviteLink: (raw) => {
      const params = parse(schemas.create, raw);
      const memberLimit = clamp(params.member_limit ?? 0, 0, 100_000);
      const expireDate = Math.max(params.expire_date ?? 0, 0);
      sim.knownChat(params.chat_id);
      if (params.creates_join_request && memberLimit > 0) {
        throw badRequest("member limit can't be specified for links requiring administrator approval");
      }
      const state = manageable(params.chat_id, 'invite link');
      if (memberLimit >= 100_000) throw badRequest('USAGE_LIMIT_INVALID');
      if (expireDate && expireDate <= now()) throw badRequest('EXPIRE_DATE_INVALID');
      const link: InviteLinkState = {
        link: `https://t.me/+${randomBytes(12).toString('base64url')}`,
        chat: state,
        creatorId: sim.bot.id,
        ...(params.name ? { name: [...params.name].slice(0, MAX_NAME_LENGTH).join('') } : {}),
        ...(expireDate ? { expireDate } : {}),
        ...(memberLimit ? { memberLimit } : {}),
        createsJoinRequest: params.creates_join_request ?? false,
        isRevoked: false,
        joinedCount: 0,
      };
      sim.inviteLinks.set(link.link, link);
      return inviteLinkJson(link, sim.bot, sim.bot.id);
    },
    revokeChatInviteLink: (raw) => {
      const params = parse(schemas.revoke, raw);
      const link = linkOf(manageable(params.chat_id, 'invite link'), params.invite_link);
      link.isRevoked = true;
      return inviteLinkJson(link, sim.userOrBot(link.creatorId), sim.bot.id);
    },
    approveChatJoinRequest: (raw) => settle(raw, true),
    declineChatJoinRequest: (raw) => settle(raw, false),
  };
}

/** A user opens an invite link: joins, or files a join request, or sees Telegram's error. */
export function joinByLink(sim: SimState, user: UserState, url: string): JoinOutcome {
  const link = sim.inviteLinks.get(url);
  if (!link) throw new SimUserError('INVITE_HASH_INVALID');
  const expired = link.expireDate !== undefined && link.expireDate <= now();
  const usedUp = link.memberLimit !== undefined && link.joinedCount >= link.memberLimit;
  if (link.isRevoked || expired || usedUp) throw new SimUserError('INVITE_HASH_EXPIRED');
  const state = link.chat;
  const member = state.members.get(user.id);
  if (isInChat(member)) throw new SimUserError('USER_ALREADY_PARTICIPANT');
  if (member?.status === 'kicked') throw new SimUserError('USER_BANNED_IN_CHANNEL');
  sim.touch(state, user.id);
  if (link.createsJoinRequest) {
    // Telegram answers the user INVITE_REQUEST_SENT; the bot hears of the first request only.
    if (!state.joinRequests.has(user.id)) fileJoinRequest(sim, state, user, link);
    return { status: 'requested', chatId: state.chat.id };
  }
  link.joinedCount += 1;
  changeMember(sim, state, user.id, { status: 'member' }, { actorId: user.id, inviteLink: link, service: 'joined' });
  return { status: 'joined', chatId: state.chat.id };
}

export function fileJoinRequest(sim: SimState, state: ChatState, user: UserState, link?: InviteLinkState): void {
  const date = now();
  state.joinRequests.set(user.id, { date, ...(link ? { link } : {}) });
  sim.updates.enqueue(
    {
      chat_join_request: {
        chat: state.chat,
        from: sim.publicUser(user),
        user_chat_id: user.id,
        date,
        ...(link ? { invite_link: inviteLinkJson(link, sim.userOrBot(link.creatorId), sim.bot.id) } : {}),
      },
    },
    state.chat.id,
  );
}

export function leaveChat(sim: SimState, user: UserState, chat: number): void {
  const state = sim.chatState(chat);
  const status = state.members.get(user.id)?.status;
  if (!isInChat(state.members.get(user.id))) throw new Error(`telegram sim: user ${user.id} is not in chat ${chat}`);
  if (status === 'creator') throw new Error(`telegram sim: the creator of chat ${chat} cannot leave it in the simulator`);
  sim.touch(state, user.id);
  changeMember(sim, state, user.id, { status: 'left' }, { actorId: user.id, service: 'left' });
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);
