/** The REST route table's shape: each resource file exports its routes; `http.ts` matches them. */
import type { UploadedFile } from './body.ts';
import type { World } from './state.ts';

export type RouteContext = {
  world: World;
  /** Named path parameters (`:guild` -> `params.guild`). */
  params: Record<string, string>;
  body: unknown;
  /** Files of a multipart request (`files[n]` parts), in order. */
  files: UploadedFile[];
  query: URLSearchParams;
  /** The decoded `X-Audit-Log-Reason` header. */
  reason: string | undefined;
};
export type RouteResult = { status: number; body?: unknown };
export type Route = {
  method: string;
  pattern: string;
  /** Interaction callbacks and webhooks authenticate by their token, not the bot's. */
  public?: boolean;
  handle(context: RouteContext): RouteResult;
};

/** The route and its parameters for a request, if any route's method and shape fit. */
export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method) continue;
    const shape = route.pattern.split('/').filter(Boolean);
    if (shape.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (shape.every((segment, index) => (segment.startsWith(':') ? ((params[segment.slice(1)] = parts[index]!), true) : segment === parts[index]))) {
      return { route, params };
    }
  }
  return undefined;
}
