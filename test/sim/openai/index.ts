import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers to the next chat completion. */
export type OpenAiReply =
  | { kind: 'answer'; content: string }
  | { kind: 'refusal'; refusal: string }
  | { kind: 'hang' }
  | { kind: 'status'; status: number };

/**
 * A local stand-in for an OpenAI-compatible server: POST /v1/chat/completions answered in the
 * Chat Completions shape (content or refusal), a hang (for timeouts) or an error status, and
 * every request body recorded so tests can see exactly what left the process.
 */
export class OpenAiSim {
  readonly requests: Array<{ path: string; authorization: string | undefined; body: Record<string, unknown> }> = [];
  next: OpenAiReply = { kind: 'status', status: 500 };
  private readonly server: Server;
  private readonly hanging = new Set<() => void>();

  constructor() {
    this.server = createServer((request, response) => {
      void readBody(request).then((raw) => {
        this.requests.push({ path: request.url ?? '', authorization: request.headers.authorization, body: JSON.parse(raw || '{}') as Record<string, unknown> });
        const reply = this.next;
        if (request.method !== 'POST' || request.url !== '/v1/chat/completions') return void response.writeHead(404).end();
        if (reply.kind === 'hang') return void this.hanging.add(() => response.destroy());
        if (reply.kind === 'status') return void response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'simulated failure', type: 'server_error' } }));
        const message = reply.kind === 'answer' ? { role: 'assistant', content: reply.content, refusal: null } : { role: 'assistant', content: null, refusal: reply.refusal };
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: `chatcmpl-${this.requests.length}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: 'sim-model',
            choices: [{ index: 0, message, finish_reason: 'stop', logprobs: null }],
            usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
          }),
        );
      });
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const release of this.hanging) release();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export async function startOpenAiSim(): Promise<OpenAiSim> {
  const sim = new OpenAiSim();
  await sim.listen();
  return sim;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}
