import { type Client, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordSim, startDiscordSim } from './index.ts';
import { connectClient } from './test-client.ts';

/**
 * Rate limits as the rate-limit docs and the OpenAPI description's response headers describe
 * them: X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket on answers, per route and top-level
 * resource; a 429 carries Retry-After, X-RateLimit-Scope and `{ message, retry_after, global }`.
 */
const ROLE_ROUTE = 'PUT /guilds/:id/members/:id/roles/:id';

describe('Discord simulator rate limits', () => {
  let sim: DiscordSim;
  let client: Client;
  let guilds: string[];
  let member: string;
  let roles: string[];
  const put = (guildId: string, roleId: string) =>
    fetch(`${sim.apiUrl}/v10/guilds/${guildId}/members/${member}/roles/${roleId}`, { method: 'PUT', headers: { authorization: `Bot ${sim.botToken}` } });

  beforeAll(async () => {
    sim = await startDiscordSim({ rateLimits: { [ROLE_ROUTE]: { limit: 2, windowMs: 400 } }, });
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'member' }).id;
    guilds = [sim.createGuild({ name: 'A', ownerId: owner }).id, sim.createGuild({ name: 'B', ownerId: owner }).id];
    roles = guilds.map((guildId) => {
      sim.addMember(guildId, member);
      return sim.createRole(guildId, { name: 'Student' }).id;
    });
    client = await connectClient(sim);
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  it('announces the bucket on every answer and answers 429 past the limit, per guild', async () => {
    const first = await put(guilds[0]!, roles[0]!);
    expect(first.status).toBe(204);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(first.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    const bucket = first.headers.get('x-ratelimit-bucket');
    expect(bucket).toMatch(/^[0-9a-f]{16}$/);
    expect((await put(guilds[0]!, roles[0]!)).headers.get('x-ratelimit-remaining')).toBe('0');
    const limited = await put(guilds[0]!, roles[0]!);
    expect(limited.status).toBe(429);
    expect([limited.headers.get('x-ratelimit-scope'), limited.headers.get('retry-after'), limited.headers.get('x-ratelimit-bucket')]).toEqual(['user', '1', bucket]);
    const body = (await limited.json()) as { message: string; retry_after: number; global: boolean };
    expect(body).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(body.retry_after).toBeGreaterThan(0);
    expect(body.retry_after).toBeLessThanOrEqual(0.4);
    // Another guild is another top-level resource: its own count.
    expect((await put(guilds[1]!, roles[1]!)).status).toBe(204);
    expect(sim.calls.filter((call) => call.status === 429).at(-1)).toMatchObject({ scope: 'user', bucket });
  });

  it('lets discord.js pace itself by the headers: no 429, the third call waits for the reset', async () => {
    await new Promise((resolve) => setTimeout(resolve, 450));
    const since = sim.calls.length;
    const started = Date.now();
    for (let attempt = 0; attempt < 3; attempt += 1) await client.rest.put(Routes.guildMemberRole(guilds[0]!, member, roles[0]!));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(sim.calls.slice(since).map((call) => call.status)).toEqual([204, 204, 204]);
  });
});

describe('Discord simulator global rate limit', () => {
  it('applies across routes (429 scope global), sparing interaction routes', async () => {
    const sim = await startDiscordSim({ globalRateLimit: { limit: 40, windowMs: 1_000 } });
    try {
      const guildId = sim.createGuild({ name: 'G', ownerId: sim.createUser({ username: 'o' }).id }).id;
      const auth = { authorization: `Bot ${sim.botToken}` };
      const answers = await Promise.all(Array.from({ length: 41 }, (_, i) => fetch(`${sim.apiUrl}/v10/guilds/${guildId}${i % 2 ? '/roles' : ''}`, { headers: auth })));
      const limited = answers.filter((answer) => answer.status === 429);
      expect(limited).toHaveLength(1);
      expect([limited[0]!.headers.get('x-ratelimit-global'), limited[0]!.headers.get('x-ratelimit-scope')]).toEqual(['true', 'global']);
      expect(await limited[0]!.json()).toMatchObject({ message: 'You are being rate limited.', global: true });
      const callback = await fetch(`${sim.apiUrl}/v10/interactions/1/x/callback`, { method: 'POST', body: '{"type":1}', headers: { 'content-type': 'application/json' } });
      expect([callback.status, ((await callback.json()) as { code: number }).code]).toEqual([404, 10062]);
    } finally {
      await sim.close();
    }
  });
});
