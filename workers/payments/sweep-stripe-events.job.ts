import { sweepStripeEvents } from '../../core/commerce/sweep-stripe-events.ts';
import { defineJob } from '../define-job.ts';

/** Every 10 minutes: stores Stripe events no webhook delivered, so none is ever lost. */
export const sweepStripeEventsJob = defineJob('payments.sweep-stripe-events', async (deps, _payload, context) => {
  const result = await sweepStripeEvents(deps);
  if (result.ok && result.value.recovered > 0) context.log.warn(result.value, 'stripe events recovered by the sweep');
  return result;
});
