/**
 * The HTTP side: `{apiRoot}/bot<token>/<method>` with JSON, form, multipart or query parameters,
 * answered `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }`. Every
 * call is recorded (uploads as name, size and SHA-256); injected failures, then the flood limits,
 * answer before the method runs. Files are downloaded from `{apiRoot}/file/bot<token>/<file_path>`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, type FailureInjector } from './errors.ts';
import type { FloodLimiter, Release } from './flood-limits.ts';
import { boundaryOf, parseMultipart, UploadedFile } from './multipart.ts';
import type { Methods } from './state.ts';
import type { RecordedCall } from './types.ts';

export type ServerDeps = {
  token: string;
  methods: Methods;
  calls: RecordedCall[];
  failures: FailureInjector;
  /** Sends and edits count here once injected failures have passed; a refused call is not performed. */
  floodLimiter: FloodLimiter;
  /** The bytes behind a file_path getFile gave out, if any. */
  download: (filePath: string) => Buffer | undefined;
};

/** Telegram's cloud Bot API takes uploads up to 50 MB; bigger requests get 413 before any method runs. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024;
const TOO_LARGE = 'Request Entity Too Large';

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
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file && (request.method === 'GET' || request.method === 'HEAD')) return this.serveFile(response, file[1]!, file[2]!);
    if (!match) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method = ''] = match;
    if (token !== this.deps.token) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    let params: Record<string, unknown>;
    try {
      params = { ...Object.fromEntries(url.searchParams), ...(await readBody(request)) };
    } catch (error) {
      if (error instanceof ApiError) {
        this.deps.calls.push({ method, params: {}, ok: false, errorCode: error.code, description: error.description, at: Date.now() });
        return send(error.code, { ok: false, error_code: error.code, description: error.description });
      }
      return send(400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
    }
    const recorded = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, value instanceof UploadedFile ? value.summary() : value]));
    const call: RecordedCall = { method, params: recorded, ok: true, at: Date.now() };
    this.deps.calls.push(call);
    let release: Release | undefined;
    try {
      this.deps.failures.check(method);
      const handler = this.deps.methods[method];
      if (!handler) throw new ApiError(404, 'Not Found');
      release = this.deps.floodLimiter.admit(method, params, call.at);
      send(200, { ok: true, result: await handler(params) });
    } catch (error) {
      release?.();
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

  /** A file as Telegram serves it: the bytes, or 404 for a wrong token or an unknown path. */
  private serveFile(response: ServerResponse, token: string, encodedPath: string): void {
    let filePath: string | undefined;
    try {
      filePath = decodeURIComponent(encodedPath);
    } catch {
      filePath = undefined;
    }
    const bytes = token === this.deps.token && filePath !== undefined ? this.deps.download(filePath) : undefined;
    if (!bytes) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    response.end(bytes);
  }
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  // An oversized request is read to its end (so the client gets the answer) but not kept.
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw new ApiError(413, TOO_LARGE);
  const raw = Buffer.concat(chunks);
  const type = request.headers['content-type'] ?? '';
  if (type.includes('multipart/form-data')) {
    const boundary = boundaryOf(type);
    if (!boundary) throw new Error('multipart without a boundary');
    const parts = parseMultipart(raw, boundary);
    if (Object.values(parts).some((part) => part instanceof UploadedFile && part.bytes.length > MAX_UPLOAD_BYTES)) throw new ApiError(413, TOO_LARGE);
    return parts;
  }
  const body = raw.toString('utf8');
  if (!body) return {};
  if (type.includes('application/json')) {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  }
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  throw new Error(`unsupported content type ${type}`);
}
