import { sendDelivery } from '../../core/delivery/send-delivery.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** A row held by another worker, or a send the platform asked to delay: the queue tries it again later. */
export class DeliveryNotYet extends Error {}

/** Sends one ledger row (core/delivery/send-delivery). */
export const sendDeliveryJob = defineJob('delivery.send', async (deps, payload, context) => {
  const outcome = await sendDelivery(deps, payload.deliveryId);
  if (outcome === 'busy' || typeof outcome === 'object') throw new DeliveryNotYet(outcome === 'busy' ? 'held by another worker' : `retry after ${outcome.retryInMs} ms`);
  if (outcome !== 'sent' && outcome !== 'done') context.log.info({ deliveryId: payload.deliveryId, outcome }, 'delivery not sent');
  return ok({ outcome });
});
