import type { SimMessage } from '../../test/sim/discord/index.ts';
import type { SimTgMessage } from '../../test/sim/telegram/index.ts';

/** How the demo prints a step and what the bot showed the member. */
const pace = Number(process.env.DEMO_PACE_MS ?? 1200);
const pause = () => new Promise((resolve) => setTimeout(resolve, pace));

export function heading(text: string): void {
  console.log(`\n${'='.repeat(text.length)}\n${text}\n${'='.repeat(text.length)}`);
}

export async function step<T>(action: string, run: () => Promise<T>): Promise<T> {
  await pause();
  console.log(`\n> ${action}`);
  return run();
}

type Component = { type: number; style?: number; label?: string; custom_id?: string; url?: string; placeholder?: string };
const componentsOf = (message: SimMessage) => (message.components as Array<{ components: Component[] }>).flatMap((row) => row.components);

export function showDiscord(message: SimMessage): SimMessage {
  const lines: string[] = [message.ephemeral ? '  (only you can see this)' : '  (visible to the channel)'];
  if (message.content) lines.push(indent(message.content));
  for (const embed of message.embeds as Array<{ title?: string; description?: string; fields?: Array<{ name: string; value: string }>; footer?: { text: string } }>) {
    if (embed.title) lines.push(`  ** ${embed.title} **`);
    if (embed.description) lines.push(indent(embed.description));
    for (const field of embed.fields ?? []) lines.push(indent(`${field.name}\n  ${field.value.replaceAll('\n', '\n  ')}`));
    if (embed.footer) lines.push(`  -- ${embed.footer.text}`);
  }
  for (const row of message.components as Array<{ components: Component[] }>) {
    lines.push(`  ${row.components.map((c) => (c.type === 3 ? `[${c.placeholder} v]` : c.style === 5 ? `[${c.label} ↗]` : `[${c.label}]`)).join(' ')}`);
  }
  console.log(lines.join('\n'));
  return message;
}

export function showTelegram(where: string, message: SimTgMessage): SimTgMessage {
  const keyboard = (message.reply_markup?.inline_keyboard ?? []) as Array<Array<{ text: string; url?: string }>>;
  const invoice = message.invoice as { title?: string; total_amount?: number; currency?: string } | undefined;
  const text = invoice ? `(invoice) ${invoice.title}: ${invoice.total_amount} ${invoice.currency}` : (message.text ?? '');
  console.log(`  (${where} chat)\n${indent(text)}`);
  for (const row of keyboard) console.log(`  ${row.map((button) => `[${button.text}${button.url ? ' ↗' : ''}]`).join(' ')}`);
  return message;
}

export function discordButton(message: SimMessage, label: string): string {
  const id = componentsOf(message).find((c) => c.label === label)?.custom_id;
  if (!id) throw new Error(`no "${label}" button`);
  return id;
}

export function discordLink(message: SimMessage): string {
  const url = componentsOf(message).find((c) => c.style === 5)?.url;
  if (!url) throw new Error('no link button');
  return url;
}

export function telegramButton(message: SimTgMessage, label: string): string {
  const data = ((message.reply_markup?.inline_keyboard ?? []) as Array<Array<{ text: string; callback_data?: string }>>)
    .flat()
    .find((button) => button.text === label)?.callback_data;
  if (!data) throw new Error(`no "${label}" button`);
  return data;
}

export function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}

/** Polls until `check` gives a value; the demo waits for workers like a member would. */
export async function until<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('the demo waited too long for the workers');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
