/**
 * The HTTP front of the simulator: Bearer auth, routing, qs parsing of form bodies / query
 * strings, schema validation, the idempotency layer, fault injection, `expand[]`, and Stripe's
 * headers (`Request-Id`, `Stripe-Version`, echoed `Idempotency-Key`, `Idempotent-Replayed`).
 * Every /v1 request is recorded in `state.calls`.
 */
import type http from 'node:http';
import qs from 'qs';
import { applyExpand } from './expand.ts';
import { apiVersion } from './events.ts';
import { StripeSimError, invalidRequest, unrecognizedUrl } from './errors.ts';
import type { FaultPlan } from './faults.ts';
import { type IdempotencyStore, type StoredResponse } from './idempotency.ts';
import { randomToken } from './ids.ts';
import { matchRoute } from './routes.ts';
import type { SimCore } from './state.ts';
import { type Params, validateParams } from './validation.ts';

export interface ApiServerDeps {
  core: SimCore;
  secretKey: string;
  idempotency: IdempotencyStore;
  faults: FaultPlan;
  /** Artificial time a request spends executing (holding its idempotency key), for race tests. */
  latencyMs: () => number;
}

const parseOptions = { arrayLimit: 1000, depth: 20, parameterLimit: 10_000 } as const;

export async function handleApiRequest(deps: ApiServerDeps, req: http.IncomingMessage, res: http.ServerResponse) {
  const requestId = `req_${randomToken(14)}`;
  const url = new URL(req.url ?? '/', 'http://sim');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname;
  const body = await readBody(req);
  const raw = (method === 'POST' ? qs.parse(body, parseOptions) : qs.parse(url.search.slice(1), parseOptions)) as Params;
  const keyHeader = req.headers['idempotency-key'];
  const key = method === 'POST' && typeof keyHeader === 'string' && keyHeader !== '' ? keyHeader : null;
  const record = (status: number, replayed: boolean) =>
    deps.core.state.calls.push({
      requestId,
      method,
      path,
      params: raw,
      status,
      idempotencyKey: key,
      replayed,
      at: deps.core.clock.now(),
    });
  const send = (response: StoredResponse, replayed: boolean, fault?: 'connection_reset') => {
    record(response.status, replayed);
    if (fault === 'connection_reset') {
      res.socket?.destroy();
      return;
    }
    res.writeHead(response.status, {
      'content-type': 'application/json',
      'request-id': response.requestId,
      'stripe-version': apiVersion,
      ...(key ? { 'idempotency-key': key } : {}),
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
    res.end(response.body);
  };
  const fail = (error: StripeSimError) =>
    send({ status: error.status, body: JSON.stringify(error.toJSON(), null, 2), requestId }, false);

  const authError = checkAuth(req, deps.secretKey);
  if (authError) return fail(authError);
  const version = req.headers['stripe-version'];
  if (typeof version === 'string' && version !== apiVersion) {
    return fail(invalidRequest(`Invalid Stripe API version: ${version}. The simulator serves ${apiVersion} only.`));
  }
  const match = matchRoute(method, path);
  if (!match) return fail(unrecognizedUrl(method, path));
  const fault = deps.faults.take(method, path);
  if (fault === 'rate_limit') {
    return fail(
      new StripeSimError(429, {
        type: 'invalid_request_error',
        code: 'rate_limit',
        message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
      }),
    );
  }
  let params: Params;
  try {
    params = validateParams(match.route.operation, raw);
  } catch (error) {
    if (error instanceof StripeSimError) return fail(error);
    throw error;
  }
  const decision = key ? deps.idempotency.begin(key, `${method} ${path}`, raw) : undefined;
  if (decision?.kind === 'reject') return fail(decision.error);
  if (decision?.kind === 'replay') return send(decision.response, true);
  try {
    const latency = deps.latencyMs();
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const response = fault === 'api_error' ? apiError(requestId) : execute(deps, match, params, { id: requestId, key }, requestId);
    decision?.complete(response);
    send(response, false, fault === 'connection_reset' ? fault : undefined);
  } finally {
    decision?.release();
  }
}

function execute(
  deps: ApiServerDeps,
  match: NonNullable<ReturnType<typeof matchRoute>>,
  params: Params,
  request: { id: string; key: string | null },
  requestId: string,
): StoredResponse {
  try {
    const result = match.route.handle({
      core: deps.core,
      params,
      id: match.id,
      request: { id: request.id, idempotency_key: request.key },
    });
    const expanded = applyExpand(deps.core, result, params.expand);
    return { status: 200, body: JSON.stringify(expanded, null, 2), requestId };
  } catch (error) {
    if (error instanceof StripeSimError) {
      return { status: error.status, body: JSON.stringify(error.toJSON(), null, 2), requestId };
    }
    console.error('[stripe-sim] handler crashed', error);
    return apiError(requestId);
  }
}

function apiError(requestId: string): StoredResponse {
  const body = { error: { type: 'api_error', message: 'An unknown error occurred' } };
  return { status: 500, body: JSON.stringify(body, null, 2), requestId };
}

function checkAuth(req: http.IncomingMessage, secretKey: string): StripeSimError | undefined {
  const header = req.headers.authorization ?? '';
  let key = '';
  if (header.startsWith('Bearer ')) key = header.slice(7).trim();
  else if (header.startsWith('Basic ')) key = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0] ?? '';
  if (!key) {
    return invalidRequest(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      { status: 401 },
    );
  }
  if (key !== secretKey) {
    const masked = `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
    return invalidRequest(`Invalid API Key provided: ${masked}`, { status: 401 });
  }
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
