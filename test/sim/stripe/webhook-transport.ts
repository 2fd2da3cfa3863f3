/**
 * One webhook delivery attempt, as Stripe sends it: POST of the raw JSON event (pretty-printed,
 * so receivers must verify the raw bytes, not a re-serialised object) with a fresh
 * `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>`.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

export interface AttemptResult {
  status: number | null;
  error: string | null;
}

/** Stripe's signature header for `payload` at `timestamp` (Unix seconds). */
export function signPayload(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/** Sends one attempt; resolves (never rejects) with the status or the connection error. */
export function postWebhook(
  url: string,
  payload: string,
  signature: string,
  timeoutMs: number,
  track: (request: http.ClientRequest) => () => void,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    const request = transport.request(target, {
      method: 'POST',
      agent: false,
      timeout: timeoutMs,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(payload),
        'cache-control': 'no-cache',
        accept: '*/*; q=0.5, application/xml',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'stripe-signature': signature,
      },
    });
    const untrack = track(request);
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      untrack();
      resolve(result);
    };
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => finish({ status: response.statusCode ?? null, error: null }));
      response.on('error', (error) => finish({ status: response.statusCode ?? null, error: error.message }));
    });
    request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.on('error', (error) => finish({ status: null, error: error.message }));
    request.end(payload);
  });
}
