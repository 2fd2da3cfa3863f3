/** The bot's own REST routes: gateway discovery, the current user and application, command registration. */
import type { Route } from './routes.ts';
import type { RegisteredCommand } from './types.ts';
import { commandsBody } from './validation.ts';
import { missingPermissions, parseOr, userPayload } from './wire.ts';

/** PUT of a command list: a bulk overwrite that keeps the ids of commands whose names stay. */
const overwriteCommands: Route['handle'] = ({ world, params, body }) => {
  if (params.app !== world.applicationId) throw missingPermissions();
  const guildId = params.guild;
  if (guildId) world.guild(guildId, 10004);
  const commands = parseOr(commandsBody, body);
  const existing = guildId ? (world.guildCommands.get(guildId) ?? new Map<string, RegisteredCommand>()) : world.globalCommands;
  const registered = new Map<string, RegisteredCommand>();
  for (const command of commands) {
    const previous = existing.get(command.name);
    registered.set(command.name, { ...command, id: previous?.id ?? world.snowflake(), application_id: world.applicationId, version: world.snowflake(), ...(guildId ? { guild_id: guildId } : {}) });
  }
  if (guildId) world.guildCommands.set(guildId, registered);
  else {
    world.globalCommands.clear();
    for (const [name, command] of registered) world.globalCommands.set(name, command);
  }
  return { status: 200, body: [...registered.values()] };
};

export const appRoutes: Route[] = [
  // GET /gateway is public; everything else needs the bot token.
  { method: 'GET', pattern: '/gateway', public: true, handle: ({ world }) => ({ status: 200, body: { url: world.gatewayUrl } }) },
  {
    method: 'GET',
    pattern: '/gateway/bot',
    handle: ({ world }) => {
      const { recommendedShards, sessionStartLimit, maxConcurrency } = world.gatewayLimits;
      const session_start_limit = { total: sessionStartLimit, remaining: world.sessionStartsLeft, reset_after: 86_400_000, max_concurrency: maxConcurrency };
      return { status: 200, body: { url: world.gatewayUrl, shards: recommendedShards, session_start_limit } };
    },
  },
  { method: 'GET', pattern: '/users/@me', handle: ({ world }) => ({ status: 200, body: { ...userPayload(world.botUser), bot: true } }) },
  ...['/applications/@me', '/oauth2/applications/@me'].map((pattern): Route => ({
    method: 'GET',
    pattern,
    handle: ({ world }) => ({ status: 200, body: { id: world.applicationId, name: 'Lyceum', flags: 0, bot_public: true } }),
  })),
  { method: 'PUT', pattern: '/applications/:app/commands', handle: overwriteCommands },
  { method: 'PUT', pattern: '/applications/:app/guilds/:guild/commands', handle: overwriteCommands },
  { method: 'GET', pattern: '/applications/:app/commands', handle: ({ world }) => ({ status: 200, body: [...world.globalCommands.values()] }) },
  {
    method: 'GET',
    pattern: '/applications/:app/guilds/:guild/commands',
    handle: ({ world, params }) => ({ status: 200, body: [...(world.guildCommands.get(params.guild!)?.values() ?? [])] }),
  },
];
