import { z } from 'zod';
import type { paymentProvider, subscriptionStatus } from '../db/schema/index.ts';

export type PaymentProvider = (typeof paymentProvider.enumValues)[number];
export type SubscriptionStatus = (typeof subscriptionStatus.enumValues)[number];

/**
 * What a provider says happened to an order, in provider-neutral terms. Providers are read
 * (Stripe: the objects' current state from the API; Telegram: the service message) and turned
 * into facts; `applyPaymentFacts` writes them. Every fact is idempotent on its provider ref, and
 * the order's state is derived from the set of facts, never from the order they arrive in.
 */
export type PaymentFact =
  /** Money was taken: a one-time payment, or a subscription's first payment or renewal. */
  | {
      kind: 'charge';
      /** The movement's own id: payment intent, invoice or Telegram charge id. */
      ref: string;
      /** The payment refunds and disputes name (payment intent, Telegram charge id). */
      paymentRef?: string | undefined;
      amount: number;
      currency: string;
      occurredAt: Date;
      customerRef?: string | undefined;
    }
  /** The checkout ended without money: abandoned/expired, or an async payment that failed. */
  | { kind: 'checkout_closed'; outcome: 'expired' | 'failed'; reason?: string | undefined }
  /** The subscription's current state at the provider (a snapshot: latest read wins). */
  | {
      kind: 'subscription';
      ref: string;
      status: SubscriptionStatus;
      currentPeriodEnd: Date | null;
      cancelAtPeriodEnd: boolean;
      canceledAt: Date | null;
    }
  /** Money returned to the buyer; `ref` is the refund's own id. */
  | { kind: 'refund'; ref: string; paymentRef?: string | undefined; amount: number; currency: string; occurredAt: Date }
  /** A chargeback: `open` withdraws the funds, `won` returns them, `lost` closes it for good. */
  | {
      kind: 'dispute';
      ref: string;
      status: 'open' | 'won' | 'lost';
      amount: number;
      currency: string;
      occurredAt: Date;
    };

/**
 * Facts in the order that keeps each one meaningful: the subscription first (its charges belong
 * to it), then money in before money out.
 */
export function canonicalOrder(facts: PaymentFact[]): PaymentFact[] {
  const rank: Record<PaymentFact['kind'], number> = { subscription: 0, charge: 1, refund: 2, dispute: 3, checkout_closed: 4 };
  return [...facts].sort((a, b) => rank[a.kind] - rank[b.kind]);
}

const amount = z.number().int().min(0).max(100_000_000);
const currency = z.string().regex(/^[A-Za-z]{3}$/);
const ref = z.string().min(1).max(255);

/** Facts as stored in a payment event's payload (sandbox and Stars, which carry no API to re-read). */
export const paymentFactSchema: z.ZodType<PaymentFact> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('charge'), ref, paymentRef: ref.optional(), amount, currency, occurredAt: z.coerce.date(), customerRef: ref.optional() }),
  z.object({ kind: z.literal('checkout_closed'), outcome: z.enum(['expired', 'failed']), reason: z.string().max(500).optional() }),
  z.object({
    kind: z.literal('subscription'),
    ref,
    status: z.enum(['trialing', 'active', 'past_due', 'canceled', 'expired']),
    currentPeriodEnd: z.coerce.date().nullable(),
    cancelAtPeriodEnd: z.boolean(),
    canceledAt: z.coerce.date().nullable(),
  }),
  z.object({ kind: z.literal('refund'), ref, paymentRef: ref.optional(), amount, currency, occurredAt: z.coerce.date() }),
  z.object({ kind: z.literal('dispute'), ref, status: z.enum(['open', 'won', 'lost']), amount, currency, occurredAt: z.coerce.date() }),
]) as z.ZodType<PaymentFact>;

export const storedFactsSchema = z.object({ facts: z.array(paymentFactSchema).min(1).max(20) });
