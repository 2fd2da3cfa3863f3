import type { Logger } from 'pino';
import { probe, type ReadinessCheck } from './server.ts';

export type DependencyWatch = { stop(): void };

/**
 * Probes the process's dependencies every `intervalMs` and reports each change between all up
 * and some down, so the process can stop taking work while one is gone and take it again when
 * it is back, without a restart.
 */
export function watchDependencies(options: {
  checks: ReadinessCheck[];
  intervalMs: number;
  log: Logger;
  onDown(failing: string[]): void | Promise<void>;
  onUp(): void | Promise<void>;
}): DependencyWatch {
  let up = true;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const results = await Promise.all(options.checks.map(async ({ name, check }) => [name, await probe(check)] as const));
    const failing = results.filter(([, status]) => status !== 'ok').map(([name, status]) => `${name}: ${status}`);
    if (up && failing.length) {
      up = false;
      options.log.warn({ failing }, 'a dependency is down: taking no new work until it is back');
      await options.onDown(failing);
    } else if (!up && !failing.length) {
      up = true;
      options.log.info('dependencies are back: taking work again');
      await options.onUp();
    }
  };
  const loop = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick().catch((error: unknown) => options.log.error({ err: error }, 'dependency watch failed')).finally(loop), options.intervalMs);
    timer.unref();
  };
  loop();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
