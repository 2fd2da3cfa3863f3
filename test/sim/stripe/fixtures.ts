/**
 * Shared setup for the simulator's own tests and the demo: a sim, a real `stripe` client pointed
 * at it, a verifying webhook receiver subscribed to every event, and checkout params that pass.
 */
import Stripe from 'stripe';
import { type StripeSimOptions, startStripeSim } from './index.ts';
import { type ReceiverOptions, startWebhookReceiver } from './webhook-receiver.ts';

export async function startStripeWorld(options: { sim?: StripeSimOptions; receiver?: ReceiverOptions; retries?: number } = {}) {
  const sim = await startStripeSim({ retryDelaysMs: [20, 40, 80], ...options.sim });
  const stripe = new Stripe(sim.secretKey, { ...sim.clientOptions, maxNetworkRetries: options.retries ?? 0 });
  const receiver = await startWebhookReceiver(options.receiver);
  receiver.useSecret(sim.addWebhookEndpoint(receiver.url));
  return {
    sim,
    stripe,
    receiver,
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
}

export type StripeWorld = Awaited<ReturnType<typeof startStripeWorld>>;

export function oneTimeCheckout(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'usd', unit_amount: 4900, product_data: { name: 'Course: Intro to Greek' } },
      },
    ],
    success_url: 'https://lyceum.test/paid?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://lyceum.test/cancel',
    client_reference_id: 'member_42',
    metadata: { product_id: 'prod-1' },
    ...overrides,
  };
}

export function monthlyCheckout(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'subscription',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: 'usd',
          unit_amount: 1500,
          recurring: { interval: 'month' },
          product_data: { name: 'Membership' },
        },
      },
    ],
    success_url: 'https://lyceum.test/paid',
    client_reference_id: 'member_7',
    subscription_data: { metadata: { community_id: 'c1' } },
    ...overrides,
  };
}
