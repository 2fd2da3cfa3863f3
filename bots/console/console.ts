import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_UPLOAD_LIMITS } from '../../core/files/upload-policy.ts';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import { runLifecycle } from '../../core/access/lifecycle.ts';
import type { CommandDeps } from '../../core/commands/index.ts';
import type { AdjustableClock } from '../../core/ports.ts';
import { handleAction, handleCommand, handleMessage, type Outcome } from '../../core/dispatch.ts';
import { describeUnexpected } from '../../core/errors.ts';
import { type Locale, t, toLocale } from '../../core/i18n/index.ts';
import type { Caller } from '../../core/members/actor.ts';
import type { MemberRole } from '../../core/members/rbac.ts';
import { resolveActor } from '../../core/members/resolve-actor.ts';
import { CONSOLE_SPACE_ID, consolePersonas } from '../../core/seed/seed-demo.ts';
import { parseConsoleLine } from './parse-line.ts';
import { renderReply } from './render.ts';
import type { ConsoleSupportGateway } from './support-gateway.ts';

export type ConsoleOptions = {
  deps: CommandDeps;
  input: Readable;
  output: Writable;
  log: Logger;
  /** The demo clock `/time` moves; absent in production, where time is not the console's to move. */
  clock?: AdjustableClock | undefined;
  /** Ctrl-C at the prompt: the terminal is in raw mode, so no SIGINT reaches the process. */
  onInterrupt?: () => void;
  /** Where the support worker's relays appear (absent when this process runs no workers). */
  relays?: ConsoleSupportGateway | undefined;
  /** Where the files of replies (charts, CSV exports) are written, so they can be opened. */
  exportDir?: string | undefined;
};

/**
 * A terminal chat with the demo community. You act as one of the seeded personas and type the
 * same commands members use on Discord and Telegram; buttons are keys you type. Everything goes
 * through the same core dispatch as the real adapters. Resolves when the session ends.
 */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const session = { role: 'member' as MemberRole, locale: 'en' as Locale, keys: new Map<string, string>() };
  const caller = (): Caller => ({
    platform: 'console',
    userId: consolePersonas[session.role].userId,
    displayName: consolePersonas[session.role].displayName,
    locale: session.locale,
    spaceId: CONSOLE_SPACE_ID,
  });
  const write = (text: string) => options.output.write(`${text}\n`);
  const rl = createInterface({ input: options.input, output: options.output, terminal: isTerminal(options.input) });
  rl.on('SIGINT', () => (options.onInterrupt ? options.onInterrupt() : rl.close()));
  const prompt = () => {
    rl.setPrompt(`${consolePersonas[session.role].userId.replace('console-', '')}> `);
    rl.prompt();
  };

  const show = async (outcome: Outcome) => {
    if (outcome.silent) return;
    const rendered = renderReply(outcome.reply, t(session.locale, 'console.filter'));
    if (rendered.keys.size) session.keys = rendered.keys;
    write(rendered.text);
    for (const file of options.exportDir ? (outcome.reply.files ?? []).filter((candidate) => candidate.mime === 'image/png' || candidate.mime === 'text/csv') : []) {
      const bytes = await options.deps.files.get(file.sha256);
      if (!bytes) continue;
      const saved = path.join(options.exportDir!, path.basename(file.name));
      await mkdir(options.exportDir!, { recursive: true });
      await writeFile(saved, bytes);
      write(t(session.locale, 'console.saved', { path: saved }));
    }
  };

  options.relays?.attach((relay) => {
    const rendered = renderReply(relay.reply, t(session.locale, 'console.filter'));
    const persona = Object.values(consolePersonas).find((candidate) => relay.to === 'member' && candidate.userId === relay.userId);
    const header =
      relay.to === 'member' ? t(session.locale, 'console.relay.member', { name: persona?.displayName ?? relay.userId }) : t(session.locale, relay.to === 'channel' ? 'console.relay.channel' : relay.to === 'edit' ? 'console.relay.edited' : 'console.relay.staff');
    if (rendered.keys.size) session.keys = rendered.keys;
    write(`\n${header}\n${rendered.text}`);
    prompt();
  });
  await greet(options.deps, caller(), write, session.role);
  write(t(session.locale, 'console.usage'));
  prompt();
  for await (const line of rl) {
    try {
      const command = parseConsoleLine(line, session.keys);
      switch (command.kind) {
        case 'empty':
          break;
        case 'quit':
          write(t(session.locale, 'console.bye'));
          rl.close();
          return;
        case 'persona':
          session.role = command.role;
          await greet(options.deps, caller(), write, session.role, 'console.persona');
          break;
        case 'language':
          session.locale = command.locale;
          write(t(session.locale, 'console.language'));
          break;
        case 'time':
          write(await moveTime(options, command.advanceMs, session.locale));
          break;
        case 'command': {
          const file = command.options.file ? await readLocalFile(command.options.file) : undefined;
          if (file && 'problem' in file) write(t(session.locale, 'console.fileUnreadable', { path: command.options.file!, problem: file.problem }));
          else await show(await handleCommand(options.deps, caller(), command.name, { ...command.options, ...(file ? { file } : {}) }));
          break;
        }
        case 'press':
          await show(await handleAction(options.deps, caller(), command.encoded));
          break;
        case 'unknown-command':
          write(t(session.locale, 'console.unknownCommand', { command: command.command }));
          break;
        case 'unknown-key':
          write(t(session.locale, 'console.unknownKey', { key: command.key }));
          break;
        case 'message':
          await show(await handleMessage(options.deps, caller(), command.text));
          break;
      }
    } catch (error) {
      options.log.error({ err: error, line }, 'console command failed');
      write(describeUnexpected(session.locale).body ?? '');
    }
    prompt();
  }
}

async function greet(
  deps: CommandDeps,
  caller: Caller,
  write: (text: string) => void,
  role: MemberRole,
  key: 'console.welcome' | 'console.persona' = 'console.welcome',
) {
  const resolved = await resolveActor(deps, caller);
  const locale = toLocale(caller.locale) ?? 'en';
  const community = resolved.ok ? resolved.value.communityName : '?';
  write(t(locale, key, { community, name: caller.displayName, role: t(locale, `role.${role}`) }));
}

/** `/time +3d`: the demo clock moves on and the access lifecycle runs at the new time. */
async function moveTime(options: ConsoleOptions, advanceMs: number, locale: Locale): Promise<string> {
  if (!options.clock) return t(locale, 'console.timeUnavailable');
  options.clock.advance(advanceMs);
  const result = await runLifecycle(options.deps);
  const { ended, reminded } = result.ok ? result.value : { ended: 0, reminded: 0 };
  return t(locale, 'console.time', { now: options.clock.now().toISOString().slice(0, 16).replace('T', ' '), ended, reminded });
}

/** `file:<path>` on a console command: the local file's bytes, as a platform's upload would bring them. */
async function readLocalFile(filePath: string): Promise<{ name: string; bytes: Uint8Array } | { problem: string }> {
  try {
    const info = await stat(filePath);
    if (!info.isFile()) return { problem: 'not a file' };
    if (info.size > DEFAULT_UPLOAD_LIMITS.maxBytes) return { problem: `larger than ${DEFAULT_UPLOAD_LIMITS.maxBytes / 1024 / 1024} MB` };
    return { name: path.basename(filePath), bytes: new Uint8Array(await readFile(filePath)) };
  } catch (error) {
    return { problem: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read' };
  }
}

const isTerminal = (stream: Readable) => (stream as { isTTY?: boolean }).isTTY === true;
