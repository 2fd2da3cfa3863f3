/**
 * The REST front: every request is recorded (method, path, route, body, uploaded files, status,
 * auth, audit-log reason, error code, bucket), its body read (JSON or multipart), authenticated, checked against injected failures, slowed down on
 * demand, checked against rate limits,
 * then routed to the resource files' route tables. Errors are answered in Discord's shapes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { entityTooLarge, readBody, uploadSize } from './body.ts';
import { interactionRoutes } from './callbacks.ts';
import { cdnRoutes, serveCdn } from './cdn.ts';
import { injectedFailure } from './failures.ts';
import type { RateLimiter } from './rate-limits.ts';
import { appRoutes } from './routes-app.ts';
import { channelRoutes } from './routes-channels.ts';
import { eventRoutes } from './routes-events.ts';
import { guildRoutes } from './routes-guilds.ts';
import { threadRoutes } from './routes-threads.ts';
import { matchRoute, type Route } from './routes.ts';
import type { World } from './state.ts';
import type { RecordedCall } from './types.ts';
import { ApiError, routeOf } from './wire.ts';

const ROUTES: readonly Route[] = [...interactionRoutes, ...appRoutes, ...channelRoutes, ...threadRoutes, ...guildRoutes, ...eventRoutes, ...cdnRoutes];
/** Requests that count toward Discord's invalid-request ban: 401, 403 and 429s other than scope `shared`. */
const INVALID_WINDOW_MS = 10 * 60_000;

export async function serve(world: World, limiter: RateLimiter, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://sim');
  const method = request.method ?? 'GET';
  // The CDN (attachment urls) is not the API: not recorded, not rate limited.
  if (serveCdn(world, method, url, response)) return;
  const path = decodeURIComponent(url.pathname).replace(/^\/api(\/v10)?/, '');
  const authorized = request.headers.authorization === `Bot ${world.botToken}`;
  const rawReason = request.headers['x-audit-log-reason'];
  const reason = typeof rawReason === 'string' ? decodeURIComponent(rawReason) : undefined;
  const call: RecordedCall = { method, path, route: routeOf(path), body: undefined, status: 0, authorized, at: Date.now(), ...(reason === undefined ? {} : { reason }) };
  world.calls.push(call);
  let headers: Record<string, string> = {};
  const send = (status: number, payload?: unknown, extra: Record<string, string> = {}) => {
    call.status = status;
    if (status >= 400) call.code = Number((payload as { code?: unknown } | undefined)?.code ?? 0);
    if (status === 429) call.scope = extra['x-ratelimit-scope'] as RecordedCall['scope'];
    response.writeHead(status, { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers, ...extra });
    response.end(payload === undefined ? undefined : JSON.stringify(payload));
  };
  try {
    const { body, files } = await readBody(request);
    call.body = body;
    if (files.length) call.files = files.map(({ key, filename, contentType, data }) => ({ key, filename, contentType, size: data.length }));
    if (uploadSize(files) > world.uploadLimit) throw entityTooLarge();
    const matched = matchRoute(ROUTES, method, path);
    if (matched && !matched.route.public && !authorized) throw new ApiError(401, { message: '401: Unauthorized', code: 0 });
    injectedFailure(world, method, path);
    const latency = world.latencies.find((candidate) => candidate.path.test(path));
    if (latency) await new Promise((resolve) => setTimeout(resolve, latency.ms));
    if (!matched) throw new ApiError(404, { message: '404: Not Found', code: 0 });
    const admission = limiter.admit(method, call.route, path);
    headers = admission.headers;
    call.bucket = admission.bucket;
    if (admission.refused) throw admission.refused;
    const result = matched.route.handle({ world, params: matched.params, body, files, query: url.searchParams, reason });
    send(result.status, result.body);
  } catch (error) {
    if (error instanceof ApiError) send(error.status, error.body, error.headers);
    else {
      console.error('discord sim: handler crashed', error);
      send(500, { message: '500: Internal Server Error', code: 0 });
    }
  }
}

/** How many invalid requests (401, 403, 429 not `shared`) the bot made in the last 10 minutes; 10,000 earn an IP ban. */
export function invalidRequests(world: World, now = Date.now()): number {
  return world.calls.filter((call) => now - call.at < INVALID_WINDOW_MS && (call.status === 401 || call.status === 403 || call.status === 429) && call.scope !== 'shared').length;
}
