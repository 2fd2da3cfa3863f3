import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

// No vitest here: benchmarks start Lyceum processes too.

export const projectRoot = path.resolve(import.meta.dirname, '../..');

export type LyceumProcess = {
  child: ChildProcess;
  output(): string;
  /** Resolves when a line of output contains `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
};

/** Runs `cli.ts <role>` as a real separate process with exactly the given environment. */
export function startLyceum(role: string, env: Record<string, string>, options: { keepBytes?: number } = {}): LyceumProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli.ts', role], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.keepBytes && output.length > options.keepBytes) output = output.slice(-options.keepBytes);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor(text, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!output.includes(text)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for "${text}"; output so far:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) reject(new Error(`process exited before "${text}"; output:\n${output}`));
        });
        check();
      });
    },
  };
}
