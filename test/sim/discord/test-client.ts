/** Test helpers shared by the simulator's own tests: a real discord.js client logged in to a sim. */
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { DiscordSim } from './index.ts';

export const ALL_TEST_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.DirectMessages];

/** Logs a real client in to the sim and waits for `clientReady` (every guild cached). */
export async function connectClient(sim: DiscordSim, intents: GatewayIntentBits[] = ALL_TEST_INTENTS): Promise<Client> {
  const client = new Client({ intents, partials: [Partials.Channel], rest: { api: sim.apiUrl } });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(sim.botToken);
  await ready;
  return client;
}

export async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The raw Discord error answer a failed discord.js REST call carried. */
export async function rejection(call: Promise<unknown>): Promise<{ status: number; code: number; rawError: any }> {
  try {
    await call;
  } catch (error) {
    return error as { status: number; code: number; rawError: any };
  }
  throw new Error('expected the call to fail');
}
