import { type CommandName, isCommandName } from '../../core/commands/index.ts';
import { parseTextOptions } from '../../core/commands/text-options.ts';
import { type Locale, toLocale } from '../../core/i18n/index.ts';
import type { MemberRole } from '../../core/members/rbac.ts';

export type ConsoleInput =
  | { kind: 'empty' }
  | { kind: 'quit' }
  | { kind: 'persona'; role: MemberRole }
  | { kind: 'language'; locale: Locale }
  | { kind: 'time'; advanceMs: number }
  | { kind: 'command'; name: CommandName; options: Record<string, string> }
  | { kind: 'press'; encoded: string }
  | { kind: 'unknown-command'; command: string }
  | { kind: 'unknown-key'; key: string }
  | { kind: 'message'; text: string };

const roles: MemberRole[] = ['owner', 'creator', 'staff', 'member'];

/**
 * Parses one console line: `/command key:value free text`, a console verb (/as, /lang, /time, /quit),
 * a button key from the last message, or free text for the support assistant. Options are parsed as on Telegram (`parseTextOptions`).
 */
export function parseConsoleLine(line: string, keys: Map<string, string>): ConsoleInput {
  const text = line.trim();
  if (!text) return { kind: 'empty' };
  if (!text.startsWith('/')) {
    const encoded = keys.get(text.toLowerCase());
    if (encoded) return { kind: 'press', encoded };
    // A lone letter or digit was meant as a button; anything else is a message to the assistant.
    return /^[\p{L}\p{N}]$/u.test(text) && !/\p{Script=Han}/u.test(text) ? { kind: 'unknown-key', key: text } : { kind: 'message', text };
  }
  const [head = '', ...rest] = text.slice(1).split(/\s+/);
  const verb = head.toLowerCase();
  const argument = rest.join(' ');
  if (verb === 'quit' || verb === 'exit') return { kind: 'quit' };
  if (verb === 'as' && roles.includes(argument as MemberRole)) return { kind: 'persona', role: argument as MemberRole };
  const locale = toLocale(argument);
  if (verb === 'lang' && locale) return { kind: 'language', locale };
  const time = /^\+(\d{1,4})([dh])$/.exec(argument);
  if (verb === 'time' && time) return { kind: 'time', advanceMs: Number(time[1]) * (time[2] === 'd' ? 86_400_000 : 3_600_000) };
  const name = verb === 'search' ? 'courses' : verb;
  if (!isCommandName(name)) return { kind: 'unknown-command', command: `/${head}` };
  return { kind: 'command', name, options: parseTextOptions(name, argument) };
}
