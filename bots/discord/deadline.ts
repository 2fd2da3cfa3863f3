import type { Outcome } from '../../core/dispatch.ts';
import type { BotContext } from './context.ts';

const SLOW = Symbol('slow');

/**
 * Runs `work`, deferring the interaction if it is still running after `deferAfterMs`, so Discord
 * never fails it for answering late. `deferred` tells the caller to edit or follow up instead.
 */
export async function withinDeadline(
  context: Pick<BotContext, 'deferAfterMs'>,
  work: Promise<Outcome>,
  defer: () => Promise<unknown>,
): Promise<{ outcome: Outcome; deferred: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<typeof SLOW>((resolve) => {
    timer = setTimeout(() => resolve(SLOW), context.deferAfterMs);
  });
  const first = await Promise.race([work, slow]);
  clearTimeout(timer);
  if (first !== SLOW) return { outcome: first, deferred: false };
  await defer();
  return { outcome: await work, deferred: true };
}
