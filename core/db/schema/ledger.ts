import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id } from './columns.ts';
import { communities } from './communities.ts';
import { orders, subscriptions } from './commerce.ts';
import { ledgerEntryKind, paymentEventOutcome, paymentProvider } from './enums.ts';

/**
 * Every payment webhook or update as received. `(provider, provider_event_id)` is unique, so a
 * redelivered event is recognised and applied once.
 */
export const paymentEvents = pgTable(
  'payment_events',
  {
    id: id(),
    provider: paymentProvider('provider').notNull(),
    providerEventId: text('provider_event_id').notNull(),
    type: text('type').notNull(),
    communityId: uuid('community_id').references(() => communities.id, { onDelete: 'set null' }),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'set null' }),
    /** The object the event is about (checkout session, subscription, charge, dispute). */
    objectId: text('object_id'),
    payload: jsonb('payload').notNull(),
    receivedAt: createdAt(),
    processedAt: at('processed_at'),
    outcome: paymentEventOutcome('outcome'),
    error: text('error'),
  },
  (t) => [
    unique('payment_events_provider_event_key').on(t.provider, t.providerEventId),
    index('payment_events_unprocessed_idx').on(t.receivedAt).where(sql`${t.processedAt} is null`),
  ],
);

/**
 * Every money movement, append-only: a charge (first payment or renewal), a refund, a dispute
 * (funds withdrawn), and its end (won: funds returned; lost: recorded, nothing moves).
 * `(provider, kind, provider_ref)` is unique, so a movement seen through several events or
 * sweeps is written once. Revenue is reported from here, never by re-reading providers.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: id(),
    communityId: uuid('community_id').notNull(),
    orderId: uuid('order_id').notNull(),
    subscriptionId: uuid('subscription_id'),
    provider: paymentProvider('provider').notNull(),
    kind: ledgerEntryKind('kind').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    /** The movement's own provider id: payment intent or invoice, refund, dispute, Stars charge. */
    providerRef: text('provider_ref').notNull(),
    /** The payment the movement belongs to (payment intent, Stars charge), to match refunds. */
    paymentRef: text('payment_ref'),
    occurredAt: at('occurred_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.orderId, t.communityId], foreignColumns: [orders.id, orders.communityId] }),
    foreignKey({
      columns: [t.subscriptionId, t.communityId],
      foreignColumns: [subscriptions.id, subscriptions.communityId],
    }),
    unique('ledger_entries_movement_key').on(t.provider, t.kind, t.providerRef),
    index('ledger_entries_community_time_idx').on(t.communityId, t.occurredAt),
    index('ledger_entries_payment_idx').on(t.provider, t.paymentRef),
    // The analytics rollup reads what arrived since its last run.
    index('ledger_entries_created_idx').on(t.createdAt),
    check('ledger_entries_amount_non_negative', sql`${t.amount} >= 0`),
    check('ledger_entries_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);
