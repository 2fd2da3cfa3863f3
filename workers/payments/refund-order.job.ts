import { refundOrder } from '../../core/commerce/refund-order.ts';
import { defineJob } from '../define-job.ts';

/** Asks the order's provider for the refund a creator requested with /refund. */
export const refundOrderJob = defineJob('payments.refund-order', async (deps, payload, context) => {
  const result = await refundOrder(deps, payload);
  if (result.ok) context.log.info({ orderId: payload.orderId, ...result.value }, 'refund requested from provider');
  return result;
});
