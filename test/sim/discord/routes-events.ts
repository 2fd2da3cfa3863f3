/**
 * Guild scheduled event routes (see scheduled-events.ts for the rules). The list holds the
 * unfinished (SCHEDULED, ACTIVE) events, as Discord drops finished ones from it; Get still finds
 * a COMPLETED or CANCELED event until it is deleted. `with_user_count` adds `user_count`.
 */
import type { Route } from './routes.ts';
import { createEvent, deleteEvent, eventIn, eventPayload, guildEventPayloads, modifyEvent } from './scheduled-events.ts';

/** Discord's boolean query strings: true/1 (any case) are true. */
const flag = (query: URLSearchParams, name: string) => ['true', '1'].includes((query.get(name) ?? '').toLowerCase());

export const eventRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/guilds/:guild/scheduled-events',
    handle: ({ world, params, query }) => {
      world.guild(params.guild!, 10004);
      return { status: 200, body: guildEventPayloads(world, params.guild!, flag(query, 'with_user_count')) };
    },
  },
  {
    method: 'POST',
    pattern: '/guilds/:guild/scheduled-events',
    handle: ({ world, params, body }) => ({ status: 200, body: eventPayload(world, createEvent(world, params.guild!, body)) }),
  },
  {
    method: 'GET',
    pattern: '/guilds/:guild/scheduled-events/:event',
    handle: ({ world, params, query }) => ({ status: 200, body: eventPayload(world, eventIn(world, params.guild!, params.event!), flag(query, 'with_user_count')) }),
  },
  {
    method: 'PATCH',
    pattern: '/guilds/:guild/scheduled-events/:event',
    handle: ({ world, params, body }) => ({ status: 200, body: eventPayload(world, modifyEvent(world, params.guild!, params.event!, body)) }),
  },
  {
    method: 'DELETE',
    pattern: '/guilds/:guild/scheduled-events/:event',
    handle: ({ world, params }) => {
      deleteEvent(world, params.guild!, params.event!);
      return { status: 204 };
    },
  },
];
