import { deliver } from '../../core/delivery/deliver.ts';
import { ok } from '../../core/result.ts';
import { defineJob, RetryLater } from '../define-job.ts';

/** How soon a row held by another live worker is looked at again. */
const BUSY_RETRY_MS = 5_000;

/** Sends one ledger row (core/delivery/send-delivery); the job run is the row's claim token. */
export const sendDeliveryJob = defineJob('delivery.send', async (deps, payload, context) => {
  const outcome = await deliver(deps, payload.deliveryId, context.jobId || undefined);
  if (outcome === 'busy') throw new RetryLater(BUSY_RETRY_MS, 'held by another worker');
  if (typeof outcome === 'object') throw new RetryLater(outcome.retryInMs, `retry after ${outcome.retryInMs} ms`);
  if (outcome !== 'sent' && outcome !== 'done') context.log.info({ deliveryId: payload.deliveryId, outcome }, 'delivery not sent');
  return ok({ outcome });
});
