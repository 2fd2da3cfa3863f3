/**
 * A scripted session to watch: the real Discord and Telegram bots run against the local
 * simulators (test/sim/) with the real payments and access workers, on throwaway data seeded
 * with the demo community, while scripted members browse and buy, then ask for a person and a
 * creator takes the ticket over. Each step prints what the member did and what the bot showed them.
 * Run: `npm run demo:sim` (DEMO_PACE_MS=0 to skip the pauses).
 */
import { runDiscordDemo } from './demo/discord.ts';
import { startDemoRuntime } from './demo/runtime.ts';
import { runTelegramDemo } from './demo/telegram.ts';

const runtime = await startDemoRuntime();
const stops: Array<() => Promise<void>> = [];
try {
  stops.push(await runDiscordDemo(runtime));
  stops.push(await runTelegramDemo(runtime));
  console.log('\nDone. Every reply above went through the real discord.js and telegraf clients, the workers and the simulators.');
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await runtime.close();
}
