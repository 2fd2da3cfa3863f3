import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telegram } from 'telegraf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim } from './index.ts';
import { until } from './test-support.ts';

/** Webhook redelivery as telegram-bot-api's WebhookActor does it, seen by a plain HTTP receiver. */
describe('Telegram simulator: webhook redelivery', () => {
  let sim: TelegramSim;
  let telegram: Telegram;
  let receiver: Server;
  /** What the receiver does with the next requests, in order; then it answers 200. */
  let script: Array<number | 'hang'>;
  const received: Array<{ update_id: number; message?: { chat: { id: number }; text: string } }> = [];

  beforeAll(async () => {
    sim = await startTelegramSim({ webhookRetryDelayMs: 20, webhookTimeoutMs: 5_000 });
    telegram = new Telegram(sim.token, { apiRoot: sim.apiRoot });
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const step = script.shift() ?? 200;
        if (step === 'hang') return;
        if (step === 200) received.push(JSON.parse(body));
        response.writeHead(step).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    await telegram.setWebhook(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
  });
  beforeEach(() => {
    script = [];
    received.length = 0;
    sim.webhook.deliveries.length = 0;
  });
  afterAll(async () => {
    await sim?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('redelivers the same update after non-2xx answers until one is 2xx, and reports it in getWebhookInfo', async () => {
    script = [500, 502, 500];
    const user = sim.createUser({ firstName: 'Hook' }).id;
    await sim.user(user).sendPrivate('hello');
    await until(() => sim.webhook.deliveries.length >= 2);
    const pending = await telegram.getWebhookInfo();
    expect(pending).toMatchObject({ pending_update_count: 1, last_error_message: expect.stringMatching(/^Wrong response from the webhook: 5\d\d /), last_error_date: expect.any(Number) });
    await until(() => sim.webhook.deliveries.some((delivery) => delivery.status === 200));
    const deliveries = sim.webhook.deliveries;
    expect(deliveries.map((delivery) => delivery.status)).toEqual([500, 502, 500, 200]);
    expect(new Set(deliveries.map((delivery) => delivery.updateId)).size).toBe(1);
    expect(received[0]).toMatchObject({ update_id: deliveries[0]!.updateId, message: { text: 'hello' } });
    expect(deliveries[0]!.error).toBe('Wrong response from the webhook: 500 Internal Server Error');
    expect(await telegram.getWebhookInfo()).toMatchObject({ pending_update_count: 0 });
  });

  it('counts a delivery that takes too long as failed and posts it again', async () => {
    const impatient = await startTelegramSim({ webhookRetryDelayMs: 20, webhookTimeoutMs: 200 });
    try {
      script = ['hang'];
      await new Telegram(impatient.token, { apiRoot: impatient.apiRoot }).setWebhook(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
      const user = impatient.createUser({ firstName: 'Slow' }).id;
      await impatient.user(user).sendPrivate('are you there?');
      await until(() => impatient.webhook.deliveries.some((delivery) => delivery.status === 200));
      const deliveries = impatient.webhook.deliveries;
      expect(deliveries[0]).toEqual({ updateId: received[0]!.update_id, status: 0, error: 'Read timeout expired' });
      expect(deliveries.at(-1)).toEqual({ updateId: received[0]!.update_id, status: 200 });
      expect(await new Telegram(impatient.token, { apiRoot: impatient.apiRoot }).getWebhookInfo()).toMatchObject({
        pending_update_count: 0,
        last_error_message: 'Read timeout expired',
      });
    } finally {
      await impatient.close();
    }
  });

  it('keeps a chat’s updates in order behind a failing one while other chats go on', async () => {
    const [first, second] = [sim.createUser({ firstName: 'One' }).id, sim.createUser({ firstName: 'Two' }).id];
    script = [500];
    await sim.user(first).sendPrivate('first 1');
    await sim.user(first).sendPrivate('first 2');
    await sim.user(second).sendPrivate('second 1');
    await until(() => sim.webhook.deliveries.filter((delivery) => delivery.status === 200).length === 3);
    const texts = received.map((update) => update.message?.text);
    expect(texts.indexOf('first 1')).toBeLessThan(texts.indexOf('first 2'));
    expect(texts[0]).toBe('second 1');
  });
});
