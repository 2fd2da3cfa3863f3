import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { paymentEvents } from '../db/schema/index.ts';
import type { JobQueue } from '../ports.ts';
import type { PaymentProvider } from './payment-facts.ts';

export type IncomingPaymentEvent = {
  provider: PaymentProvider;
  /** Unique per provider: Stripe's event id, Telegram's charge id, the sandbox's order id. */
  providerEventId: string;
  type: string;
  objectId?: string | undefined;
  communityId?: string | undefined;
  orderId?: string | undefined;
  payload: unknown;
  /** A type Lyceum does not act on: kept for the record, marked ignored, never queued. */
  ignored?: boolean;
};

/**
 * Stores a payment event under its provider id and enqueues its processing. A redelivered
 * event is stored once; it is enqueued again only while unprocessed (so a crash between the
 * insert and the enqueue heals on the next delivery or sweep). Returns whether it was new.
 */
export async function recordPaymentEvent(
  deps: { db: Queryable; queue: JobQueue },
  event: IncomingPaymentEvent,
): Promise<{ stored: boolean; paymentEventId: string }> {
  const [inserted] = await deps.db
    .insert(paymentEvents)
    .values({
      provider: event.provider,
      providerEventId: event.providerEventId,
      type: event.type,
      objectId: event.objectId ?? null,
      communityId: event.communityId ?? null,
      orderId: event.orderId ?? null,
      payload: event.payload as object,
      ...(event.ignored ? { processedAt: new Date(), outcome: 'ignored' as const } : {}),
    })
    .onConflictDoNothing()
    .returning({ id: paymentEvents.id });
  if (inserted) {
    if (event.ignored) return { stored: true, paymentEventId: inserted.id };
    await deps.queue.enqueue('payments.process-event', { paymentEventId: inserted.id });
    return { stored: true, paymentEventId: inserted.id };
  }
  const [existing] = await deps.db
    .select({ id: paymentEvents.id, processedAt: paymentEvents.processedAt })
    .from(paymentEvents)
    .where(and(eq(paymentEvents.provider, event.provider), eq(paymentEvents.providerEventId, event.providerEventId)));
  if (!existing) throw new Error(`payment event ${event.providerEventId} conflicted but is not stored`);
  if (!existing.processedAt) await deps.queue.enqueue('payments.process-event', { paymentEventId: existing.id });
  return { stored: false, paymentEventId: existing.id };
}
