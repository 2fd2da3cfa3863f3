/**
 * The HTTP side: `{apiRoot}/bot<token>/<method>` with JSON, form or query parameters, answered
 * `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }`. Every call is
 * recorded, and injected failures answer before the method runs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, type FailureInjector } from './errors.ts';
import type { Methods } from './state.ts';
import type { RecordedCall } from './types.ts';

export type ServerDeps = { token: string; methods: Methods; calls: RecordedCall[]; failures: FailureInjector };

export class ApiServer {
  private readonly server: Server;

  constructor(private readonly deps: ServerDeps) {
    this.server = createServer((request, response) => void this.serve(request, response));
  }

  /** Listens on a free local port; resolves to the apiRoot for telegraf. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sim');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (!match) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method = ''] = match;
    if (token !== this.deps.token) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    let params: Record<string, unknown>;
    try {
      params = { ...Object.fromEntries(url.searchParams), ...(await readBody(request)) };
    } catch {
      return send(400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
    }
    const call: RecordedCall = { method, params, ok: true, at: Date.now() };
    this.deps.calls.push(call);
    try {
      this.deps.failures.check(method);
      const handler = this.deps.methods[method];
      if (!handler) throw new ApiError(404, 'Not Found');
      send(200, { ok: true, result: await handler(params) });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'Internal Server Error');
      if (!(error instanceof ApiError)) console.error('telegram sim: handler crashed', error);
      Object.assign(call, { ok: false, errorCode: apiError.code, description: apiError.description });
      send(apiError.code, {
        ok: false,
        error_code: apiError.code,
        description: apiError.description,
        ...(apiError.parameters ? { parameters: apiError.parameters } : {}),
      });
    }
  }
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  if (!body) return {};
  const type = request.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  }
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  throw new Error(`unsupported content type ${type}`);
}
