import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { ok, type Result } from '../result.ts';
import { recordStarsPayment } from './stars-payments.ts';

const LOOK_BACK_MS = 3 * 86_400_000;

/**
 * Credits Stars payments whose successful_payment message was never handled (the bot was
 * down or failed after Telegram counted the update as delivered): Telegram's transaction list
 * is the record. Each payment is keyed by its charge id, so one already credited is left alone.
 */
export async function sweepStarsPayments(deps: Pick<CoreDeps, 'db' | 'queue' | 'clock' | 'payments'>): Promise<Result<{ seen: number; recovered: number }, DomainError>> {
  if (!deps.payments.stars) return ok({ seen: 0, recovered: 0 });
  let seen = 0;
  let recovered = 0;
  for await (const payment of deps.payments.stars.listPayments(new Date(deps.clock.now().getTime() - LOOK_BACK_MS))) {
    seen += 1;
    const caller = { platform: 'telegram' as const, userId: payment.userId, displayName: '' };
    const expiresAt = payment.subscriptionPeriodS ? Math.floor(payment.paidAt.getTime() / 1000) + payment.subscriptionPeriodS : undefined;
    const { stored } = await recordStarsPayment(deps, caller, {
      currency: 'XTR',
      totalAmount: payment.amount,
      payload: payment.payload,
      chargeId: payment.chargeId,
      subscriptionExpiresAt: expiresAt,
    });
    if (stored) recovered += 1;
  }
  return ok({ seen, recovered });
}
