import { processPaymentEvent } from '../../core/commerce/process-payment-event.ts';
import { defineJob } from '../define-job.ts';

/** Applies one stored payment event to the ledger (see core/commerce/process-payment-event). */
export const processPaymentEventJob = defineJob('payments.process-event', async (deps, payload, context) => {
  const result = await processPaymentEvent(deps, payload.paymentEventId);
  if (result.ok) context.log.info({ paymentEventId: payload.paymentEventId, ...result.value }, 'payment event processed');
  return result;
});
