/**
 * A tiny webhook endpoint for tests and the demo: verifies each request with the real
 * `stripe.webhooks.constructEvent` on the raw body and records what arrived. `respond` decides
 * the status per request (default 200), e.g. to fail the first attempts and exercise retries.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface ReceivedRequest {
  body: string;
  headers: http.IncomingHttpHeaders;
  event: Stripe.Event | null;
  verifyError: string | null;
  status: number;
}

export interface ReceiverOptions {
  /** Status to answer for the nth request (0-based) carrying `event`; default 200. */
  respond?: (event: Stripe.Event | null, index: number) => number | Promise<number>;
  /** Verification time in Unix seconds (pass the sim clock when tests move it); default real now. */
  now?: () => number;
}

export async function startWebhookReceiver(options: ReceiverOptions = {}) {
  const verifier = new Stripe('sk_test_unused');
  let secret = '';
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const record: ReceivedRequest = { body, headers: req.headers, event: null, verifyError: null, status: 400 };
      try {
        const header = req.headers['stripe-signature'] ?? '';
        const receivedAt = options.now?.();
        record.event = verifier.webhooks.constructEvent(body, header, secret, 300, undefined, receivedAt);
      } catch (error) {
        record.verifyError = (error as Error).message;
      }
      const index = requests.length;
      requests.push(record);
      record.status = record.event ? await (options.respond?.(record.event, index) ?? 200) : 400;
      res.writeHead(record.status, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stripe/webhook`,
    /** Set the `whsec_...` secret the sim returned for this endpoint. */
    useSecret(value: string) {
      secret = value;
    },
    requests,
    /** Verified events in arrival order (duplicates included). */
    events: () => requests.flatMap((request) => (request.event ? [request.event] : [])),
    types: () => requests.flatMap((request) => (request.event ? [request.event.type] : [])),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
