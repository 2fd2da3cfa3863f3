import type Stripe from 'stripe';
import { z } from 'zod';
import type { StripeEventRefs } from '../../core/commerce/providers.ts';

/** The event types Lyceum acts on; anything else is stored and marked ignored. */
export const handledStripeEvents = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
] as const;

const idOf = z.union([z.string(), z.object({ id: z.string() }).transform((object) => object.id)]);
const eventShape = z.object({
  id: z.string(),
  type: z.string(),
  data: z.object({
    object: z
      .object({
        id: z.string().optional(),
        object: z.string().optional(),
        client_reference_id: z.string().nullish(),
        metadata: z.record(z.string(), z.string()).nullish(),
        payment_intent: idOf.nullish(),
        charge: idOf.nullish(),
        parent: z.object({ subscription_details: z.object({ subscription: idOf.nullish(), metadata: z.record(z.string(), z.string()).nullish() }).nullish() }).nullish(),
      })
      .loose(),
  }),
});

/**
 * The order, payment or subscription a Stripe event names. Lyceum puts its order id in the
 * metadata of the session, the payment intent and the subscription; a charge, refund or
 * dispute names its payment intent, whose metadata is read when needed.
 */
export async function describeStripeEvent(stripe: Stripe, payload: unknown): Promise<StripeEventRefs> {
  const parsed = eventShape.safeParse(payload);
  if (!parsed.success) return { handled: false };
  const { type, data } = parsed.data;
  if (!(handledStripeEvents as readonly string[]).includes(type)) return { handled: false };
  const object = data.object;
  const fromMetadata = object.metadata?.order_id;
  if (type.startsWith('checkout.session.')) return { handled: true, orderId: object.client_reference_id ?? fromMetadata };
  if (type.startsWith('customer.subscription.')) return { handled: true, orderId: fromMetadata, subscriptionRef: object.id };
  if (type.startsWith('invoice.')) {
    const details = object.parent?.subscription_details;
    return { handled: true, orderId: details?.metadata?.order_id, subscriptionRef: details?.subscription ?? undefined };
  }
  const paymentRef = object.object === 'payment_intent' ? object.id : (object.payment_intent ?? undefined);
  if (fromMetadata || !paymentRef) return { handled: true, orderId: fromMetadata, paymentRef };
  const intent = await stripe.paymentIntents.retrieve(paymentRef);
  return { handled: true, orderId: intent.metadata.order_id, paymentRef };
}
