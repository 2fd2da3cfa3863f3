/**
 * Thread routes: Start Thread without Message (201 with the thread), Add Thread Member / Join
 * Thread (204), Get Thread Member and List Thread Members. Listing needs the privileged
 * GuildMembers intent enabled for the app (50001 otherwise), like listing guild members.
 */
import { Intent } from './model.ts';
import { channelPayload, threadMemberPayload } from './payloads.ts';
import type { Route } from './routes.ts';
import { addThreadMember, listThreadMembers, startThread, threadBody, threadOf } from './threads.ts';
import { missingAccess, parseOr, unknownMember } from './wire.ts';

export const threadRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/channels/:channel/threads',
    handle: ({ world, params, body }) => {
      const thread = startThread(world, params.channel!, parseOr(threadBody, body ?? {}));
      return { status: 201, body: channelPayload(world, thread) };
    },
  },
  {
    method: 'PUT',
    pattern: '/channels/:channel/thread-members/:user',
    handle: ({ world, params }) => {
      addThreadMember(world, params.channel!, params.user!);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: '/channels/:channel/thread-members',
    handle: ({ world, params, query }) => {
      if (!(world.privilegedIntents & Intent.GuildMembers)) throw missingAccess();
      return { status: 200, body: listThreadMembers(world, params.channel!, query) };
    },
  },
  {
    method: 'GET',
    pattern: '/channels/:channel/thread-members/:user',
    handle: ({ world, params, query }) => {
      const { channel, thread } = threadOf(world, params.channel!);
      if (!world.canView(channel, world.botUser.id)) throw missingAccess();
      const userId = params.user === '@me' ? world.botUser.id : params.user!;
      if (!thread.members.has(userId)) throw unknownMember();
      return { status: 200, body: threadMemberPayload(world, channel.id, userId, query.get('with_member') === 'true') };
    },
  },
];
