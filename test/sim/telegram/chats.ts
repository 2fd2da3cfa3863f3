/** Chats: creating users and groups, upgrading a group to a supergroup, and the chat-level methods (forum topics: topics.ts). */
import { badRequest } from './errors.ts';
import { botMember, type ChatState, FULL_RIGHTS } from './model.ts';
import { changeMember } from './members.ts';
import type { Methods, SimState } from './state.ts';
import type { AdminRights, SimChat, SimTgUser } from './types.ts';
import { chatRef, parse } from './validation.ts';

export type GroupInput = {
  title: string;
  type?: 'group' | 'supergroup' | 'channel';
  isForum?: boolean;
  creatorId: number;
  adminIds?: number[];
  memberIds?: number[];
  /** The bot's place in the group: an admin by default, a plain member, or not in it yet. */
  botRights?: Partial<AdminRights> | 'member' | 'absent';
};

/** `startedBot`: the user pressed Start some time before the test (no update is sent for it). */
export function createUser(sim: SimState, input: { firstName: string; username?: string; languageCode?: string; startedBot?: boolean }): SimTgUser {
  const user = {
    id: sim.nextUserId++,
    first_name: input.firstName,
    ...(input.username ? { username: input.username } : {}),
    ...(input.languageCode ? { language_code: input.languageCode } : {}),
    started: input.startedBot === true,
    blocked: false,
  };
  sim.users.set(user.id, user);
  sim.chats.set(user.id, sim.newChatState({ id: user.id, type: 'private', first_name: user.first_name, ...(user.username ? { username: user.username } : {}) }));
  return sim.publicUser(user);
}

/** Basic groups get ids like -4000000001; supergroups and channels -100…, as Telegram's. */
const groupId = (sim: SimState, type: SimChat['type']) => {
  const n = sim.nextGroup++;
  return type === 'group' ? -(4_000_000_000 + n) : -(1_000_000_000_000 + n);
};

export function createGroup(sim: SimState, input: GroupInput): SimChat {
  const type = input.type ?? 'group';
  const id = groupId(sim, type);
  const chat: SimChat = { id, type, title: input.title, ...(input.isForum ? { is_forum: true } : {}) };
  const state = sim.newChatState({ ...chat });
  // A forum's message 1 is its creation service message, the root of General (thread 1): topics start at 2.
  if (input.isForum) state.lastMessageId = 1;
  state.members.set(input.creatorId, { status: 'creator' });
  for (const admin of input.adminIds ?? []) state.members.set(admin, { status: 'administrator', rights: FULL_RIGHTS });
  for (const member of input.memberIds ?? []) state.members.set(member, { status: 'member' });
  if (input.botRights !== 'absent') state.members.set(sim.bot.id, botMember(input.botRights));
  sim.chats.set(id, state);
  return chat;
}

/**
 * Upgrades a basic group: members, join requests and invite links move to a new supergroup
 * id; the old chat gets a `migrate_to_chat_id` service message, the new one
 * `migrate_from_chat_id`, and later calls on the old id that need more than reading it fail
 * with "group chat was upgraded to a supergroup chat" and `parameters.migrate_to_chat_id`.
 */
export function migrateToSupergroup(sim: SimState, oldId: number, byUserId?: number): SimChat {
  const old = sim.chatState(oldId);
  if (old.chat.type !== 'group' || old.migratedTo !== undefined) throw new Error(`telegram sim: chat ${oldId} is not a basic group`);
  const actorId = byUserId ?? [...old.members].find(([, member]) => member.status === 'creator')?.[0];
  if (actorId === undefined) throw new Error(`telegram sim: chat ${oldId} has no creator to upgrade it`);
  const chat: SimChat = { id: groupId(sim, 'supergroup'), type: 'supergroup', title: String(old.chat.title) };
  const next: ChatState = { ...sim.newChatState({ ...chat }), members: new Map(old.members), joinRequests: old.joinRequests };
  old.joinRequests = new Map();
  for (const link of sim.inviteLinks.values()) if (link.chat === old) link.chat = next;
  sim.chats.set(chat.id, next);
  old.migratedTo = chat.id;
  const actor = sim.userOrBot(actorId);
  sim.serviceMessage(old, actor, { migrate_to_chat_id: chat.id });
  sim.serviceMessage(next, actor, { migrate_from_chat_id: oldId });
  return chat;
}

/** A group admin adds the bot (a my_chat_member update). */
export function addBot(sim: SimState, userId: number, chat: number, rights?: Partial<AdminRights> | 'member'): void {
  const state = sim.chatState(chat);
  const status = state.members.get(userId)?.status;
  if (status !== 'creator' && status !== 'administrator') throw new Error(`telegram sim: user ${userId} may not add bots to ${chat}`);
  changeMember(sim, state, sim.bot.id, botMember(rights), { actorId: userId });
}

export function chatMethods(sim: SimState): Methods {
  return {
    getChat: (raw) => {
      const state = sim.knownChat(parse(chatRef, raw).chat_id, 'read');
      return { ...state.chat, ...(state.chat.type !== 'private' ? { permissions: {} } : {}) };
    },
    leaveChat: (raw) => {
      const state = sim.knownChat(parse(chatRef, raw).chat_id, 'read');
      if (state.chat.type === 'private') throw badRequest("can't leave private chats");
      changeMember(sim, state, sim.bot.id, { status: 'left' }, { actorId: sim.bot.id, service: 'left' });
      return true;
    },
  };
}
