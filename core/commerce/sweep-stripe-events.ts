import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { ok, type Result } from '../result.ts';
import { recordPaymentEvent } from './payment-events.ts';

/** Stripe keeps events for 30 days; the sweep looks back 3, far past any webhook retry gap. */
const LOOK_BACK_MS = 3 * 86_400_000;

/**
 * Stores every recent Stripe event that no webhook brought. Events already stored are left
 * alone (the event id is unique), so a sweep racing a webhook delivery changes nothing twice.
 */
export async function sweepStripeEvents(deps: Pick<CoreDeps, 'db' | 'queue' | 'clock' | 'payments'>): Promise<Result<{ seen: number; recovered: number }, DomainError>> {
  if (!deps.payments.stripe) return ok({ seen: 0, recovered: 0 });
  let seen = 0;
  let recovered = 0;
  for await (const event of deps.payments.stripe.listEvents(new Date(deps.clock.now().getTime() - LOOK_BACK_MS))) {
    seen += 1;
    const { stored } = await recordPaymentEvent(deps, { provider: 'stripe', providerEventId: event.id, type: event.type, objectId: event.objectId, payload: event.payload });
    if (stored) recovered += 1;
  }
  return ok({ seen, recovered });
}
