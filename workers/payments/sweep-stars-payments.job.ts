import { sweepStarsPayments } from '../../core/commerce/sweep-stars-payments.ts';
import { defineJob } from '../define-job.ts';

/** Every 10 minutes: credits Stars payments whose update was never handled, so none is lost. */
export const sweepStarsPaymentsJob = defineJob('payments.sweep-stars-payments', async (deps, _payload, context) => {
  const result = await sweepStarsPayments(deps);
  if (result.ok && result.value.recovered > 0) context.log.warn(result.value, 'stars payments recovered by the sweep');
  return result;
});
