import { z } from 'zod';

/**
 * The queue contract: every queue and every job with its payload schema. Producers validate a
 * payload before it is enqueued and workers validate it again on receipt; a payload that fails
 * is never retried. Payloads carry ids, never secrets or personal data.
 */
export const queueNames = ['payments', 'access', 'delivery', 'digests', 'support', 'maintenance'] as const;
export type QueueName = (typeof queueNames)[number];

export type QueuePolicy = {
  /** Tries before a job is failed for good (only for thrown errors; domain "no"s fail at once). */
  attempts: number;
  /** First retry delay; later ones double. */
  backoffMs: number;
  /** Multiplier on WORKER_CONCURRENCY for this queue's worker. */
  concurrencyShare: number;
  /** Completed/failed jobs kept for inspection. */
  keepCompleted: number;
  keepFailed: number;
};

/** Retry and retention per queue: money and access retry longest, housekeeping least. */
export const queuePolicies: Record<QueueName, QueuePolicy> = {
  payments: { attempts: 12, backoffMs: 2_000, concurrencyShare: 1, keepCompleted: 1_000, keepFailed: 10_000 },
  access: { attempts: 12, backoffMs: 2_000, concurrencyShare: 1, keepCompleted: 1_000, keepFailed: 10_000 },
  delivery: { attempts: 8, backoffMs: 5_000, concurrencyShare: 2, keepCompleted: 1_000, keepFailed: 10_000 },
  digests: { attempts: 5, backoffMs: 30_000, concurrencyShare: 1, keepCompleted: 100, keepFailed: 1_000 },
  support: { attempts: 6, backoffMs: 2_000, concurrencyShare: 1, keepCompleted: 1_000, keepFailed: 10_000 },
  maintenance: { attempts: 3, backoffMs: 10_000, concurrencyShare: 0.5, keepCompleted: 100, keepFailed: 1_000 },
};

type JobSpec<Q extends QueueName, S extends z.ZodType> = {
  queue: Q;
  payload: S;
  /**
   * The business key that makes enqueueing idempotent: while a job with this key is waiting,
   * delayed or running, enqueueing the same key again adds nothing.
   */
  key?: (payload: z.infer<S>) => string;
};

const job = <Q extends QueueName, S extends z.ZodType>(spec: JobSpec<Q, S>) => spec;

/** Every job, keyed `<queue>.<job-name>`; the worker registry must handle each one. */
export const jobs = {
  /**
   * Recomputes `course_stats` (30-day views, enrollments, purchases and the popularity score)
   * for one community, or for every community when `communityId` is absent. Idempotent.
   */
  'maintenance.refresh-course-stats': job({
    queue: 'maintenance',
    payload: z.object({ communityId: z.uuid().optional() }),
    key: (payload) => `refresh-course-stats-${payload.communityId ?? 'all'}`,
  }),
  /**
   * Brings the analytics rollups (revenue per day, active members per day) up to date from what
   * the ledger and behaviour events received since the last run. Idempotent; one run at a time.
   */
  'maintenance.refresh-analytics': job({
    queue: 'maintenance',
    payload: z.object({}),
    key: () => 'refresh-analytics',
  }),
  /**
   * Applies one stored payment event (Stripe webhook, Telegram Stars payment, sandbox) to the
   * ledger. Idempotent: the event is keyed by its provider id, every money movement by its own.
   */
  'payments.process-event': job({
    queue: 'payments',
    payload: z.object({ paymentEventId: z.uuid() }),
    key: (payload) => `payment-event-${payload.paymentEventId}`,
  }),
  /** Lists Stripe's recent events and stores any that no webhook brought (missed deliveries). */
  'payments.sweep-stripe-events': job({
    queue: 'payments',
    payload: z.object({}),
    key: () => 'sweep-stripe-events',
  }),
  /** Lists the bot's recent Stars transactions and credits any payment no update brought. */
  'payments.sweep-stars-payments': job({
    queue: 'payments',
    payload: z.object({}),
    key: () => 'sweep-stars-payments',
  }),
  /** Asks the provider to refund an order in full; the ledger follows from its confirmation. */
  'payments.refund-order': job({
    queue: 'payments',
    payload: z.object({ orderId: z.uuid(), reason: z.string().max(500), requestedBy: z.uuid() }),
    key: (payload) => `refund-order-${payload.orderId}`,
  }),
  /**
   * Drives one access grant's platform state to its desired state (role added or removed,
   * invite link sent, member removed) and tells the member. Idempotent: it reads the grant.
   */
  'access.apply-grant': job({
    queue: 'access',
    payload: z.object({ grantId: z.uuid() }),
    key: (payload) => `apply-grant-${payload.grantId}`,
  }),
  /** Tells a member their renewal failed, until when access lasts, and how to update payment. */
  'access.notify-grace': job({
    queue: 'access',
    payload: z.object({ entitlementId: z.uuid() }),
    key: (payload) => `notify-grace-${payload.entitlementId}`,
  }),
  /** Ends entitlements whose period or grace ran out and sends the reminders that are due. */
  'access.run-lifecycle': job({
    queue: 'access',
    payload: z.object({}),
    key: () => 'run-lifecycle',
  }),
  /** Compares every community's grants with what the platforms report and repairs what Lyceum manages. */
  'access.reconcile': job({
    queue: 'access',
    payload: z.object({}),
    key: () => 'reconcile',
  }),
  /** Reverts one batch applied by `/access audit apply` (see core/access/undo-audit). */
  'access.undo-audit': job({
    queue: 'access',
    payload: z.object({ communityId: z.uuid(), auditId: z.number().int().positive(), requestedBy: z.uuid().optional() }),
    key: (payload) => `undo-audit-${payload.auditId}`,
  }),
  /**
   * Delivers a support conversation's pending messages to the other side (staff thread or topic,
   * or the member's private chat), in order. One job per new message; each relays everything
   * pending, so the order holds whichever job runs first.
   */
  'support.relay': job({
    queue: 'support',
    payload: z.object({ conversationId: z.uuid(), messageId: z.uuid() }),
    key: (payload) => `relay-${payload.messageId}`,
  }),
  /** Re-queues relays that are still pending, and reminds staff of tickets past their first-response target (once each). */
  'support.sweep': job({
    queue: 'support',
    payload: z.object({}),
    key: () => 'support-sweep',
  }),
  /**
   * Sends one row of the delivery ledger (core/delivery/send-delivery): paced, at most once.
   * A row another worker holds, or a send the platform asked to delay, is retried by the queue.
   */
  'delivery.send': job({
    queue: 'delivery',
    payload: z.object({ deliveryId: z.uuid() }),
    key: (payload) => `deliver-${payload.deliveryId}`,
  }),
  /** Fixes the release times of dripped lessons for members who hold their course (core/delivery/drip). */
  'delivery.schedule-drip': job({
    queue: 'delivery',
    payload: z.object({}),
    key: () => 'schedule-drip',
  }),
  /** Tells members about the dripped lessons whose time has come, through the delivery ledger. */
  'delivery.release-drip': job({
    queue: 'delivery',
    payload: z.object({}),
    key: () => 'release-drip',
  }),
  /** Starts one announcement (fixing its audience) or, if it is sending, re-enqueues its pending rows (a resume). */
  'delivery.start-announcement': job({
    queue: 'delivery',
    payload: z.object({ announcementId: z.uuid() }),
    key: (payload) => `start-announcement-${payload.announcementId}`,
  }),
  /** Starts the announcements whose time has come and that nothing of their community is ahead of. */
  'delivery.start-announcements': job({
    queue: 'delivery',
    payload: z.object({}),
    key: () => 'start-announcements',
  }),
  /** Puts a live session on Discord (a scheduled event per server) and in the Telegram chats, or takes it back once canceled. */
  'delivery.publish-live': job({
    queue: 'delivery',
    payload: z.object({ sessionId: z.uuid() }),
    key: (payload) => `publish-live-${payload.sessionId}`,
  }),
  /** Reminds live sessions' audiences an hour before and at the start. */
  'delivery.remind-live': job({
    queue: 'delivery',
    payload: z.object({}),
    key: () => 'remind-live',
  }),
  /** Tells a course revision's author the reviewer's decision, once per decision. */
  'delivery.notify-review': job({
    queue: 'delivery',
    payload: z.object({ revisionId: z.uuid(), reviewedAt: z.iso.datetime() }),
    key: (payload) => `notify-review-${payload.revisionId}-${payload.reviewedAt}`,
  }),
  /**
   * Trains the recommender of one community, or of every community when `communityId` is
   * absent, and replaces their stored recommendations and similar courses (core/recommend/train).
   */
  'digests.train-recommender': job({
    queue: 'digests',
    payload: z.object({ communityId: z.uuid().optional() }),
    key: (payload) => `train-recommender-${payload.communityId ?? 'all'}`,
  }),
  /** Plans the members' weekly digests that are due (Monday 10:00 in each community's zone), once per week and member. */
  'digests.plan-digests': job({
    queue: 'digests',
    payload: z.object({}),
    key: () => 'plan-digests',
  }),
  /** Plans the owners' weekly summaries that are due (Monday 09:00 in each community's zone), once per week and owner. */
  'digests.weekly-summary': job({
    queue: 'digests',
    payload: z.object({}),
    key: () => 'weekly-summary',
  }),
  /** Drops stored button payloads no reply has used for 30 days (see core/button-payloads). */
  'maintenance.prune-button-payloads': job({
    queue: 'maintenance',
    payload: z.object({}),
    key: () => 'prune-button-payloads',
  }),
};

export type JobKey = keyof typeof jobs;
export type JobPayload<K extends JobKey> = z.infer<(typeof jobs)[K]['payload']>;

export const jobName = (key: JobKey) => key.slice(key.indexOf('.') + 1);

/** Recurring jobs, run by BullMQ job schedulers (upserted at worker start, so idempotent). */
export const schedules: Array<{ id: string; job: JobKey; payload: JobPayload<JobKey>; every?: number; cron?: string }> = [
  { id: 'refresh-course-stats-hourly', job: 'maintenance.refresh-course-stats', payload: {}, cron: '7 * * * *' },
  { id: 'refresh-analytics', job: 'maintenance.refresh-analytics', payload: {}, every: 5 * 60_000 },
  { id: 'prune-button-payloads-daily', job: 'maintenance.prune-button-payloads', payload: {}, cron: '23 4 * * *' },
  { id: 'sweep-stripe-events', job: 'payments.sweep-stripe-events', payload: {}, every: 10 * 60_000 },
  { id: 'sweep-stars-payments', job: 'payments.sweep-stars-payments', payload: {}, every: 10 * 60_000 },
  { id: 'run-lifecycle', job: 'access.run-lifecycle', payload: {}, every: 15 * 60_000 },
  { id: 'reconcile', job: 'access.reconcile', payload: {}, every: 60 * 60_000 },
  { id: 'support-sweep', job: 'support.sweep', payload: {}, every: 60_000 },
  { id: 'schedule-drip', job: 'delivery.schedule-drip', payload: {}, every: 10 * 60_000 },
  { id: 'release-drip', job: 'delivery.release-drip', payload: {}, every: 60_000 },
  { id: 'start-announcements', job: 'delivery.start-announcements', payload: {}, every: 60_000 },
  { id: 'remind-live', job: 'delivery.remind-live', payload: {}, every: 60_000 },
  { id: 'weekly-summary', job: 'digests.weekly-summary', payload: {}, cron: '2 * * * *' },
  { id: 'plan-digests', job: 'digests.plan-digests', payload: {}, cron: '4 * * * *' },
  { id: 'train-recommender-nightly', job: 'digests.train-recommender', payload: {}, cron: '17 3 * * *' },
];

type AnySpec = { queue: QueueName; payload: z.ZodType; key?: (payload: never) => string };

/** Validates a payload for a job, on either side of the queue. */
export function parseJobPayload<K extends JobKey>(
  key: K,
  payload: unknown,
): { ok: true; value: JobPayload<K> } | { ok: false; reason: string } {
  const parsed = (jobs[key] as AnySpec).payload.safeParse(payload);
  return parsed.success
    ? { ok: true, value: parsed.data as JobPayload<K> }
    : { ok: false, reason: z.prettifyError(parsed.error).replaceAll('\n', '; ') };
}

/** The business key of a validated payload, if the job has one. */
export function businessKeyOf<K extends JobKey>(key: K, payload: JobPayload<K>): string | undefined {
  const keyOf = (jobs[key] as AnySpec).key as ((payload: JobPayload<K>) => string) | undefined;
  return keyOf?.(payload);
}

export const isJobKey = (key: string): key is JobKey => key in jobs;
