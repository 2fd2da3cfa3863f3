import type { JobKey } from '../core/queue/contract.ts';
import type { JobDefinition } from './define-job.ts';
import { applyGrantJob } from './access/apply-grant.job.ts';
import { notifyGraceJob } from './access/notify-grace.job.ts';
import { reconcileJob } from './access/reconcile.job.ts';
import { runLifecycleJob } from './access/run-lifecycle.job.ts';
import { undoAuditJob } from './access/undo-audit.job.ts';
import { processPaymentEventJob } from './payments/process-event.job.ts';
import { refundOrderJob } from './payments/refund-order.job.ts';
import { sweepStarsPaymentsJob } from './payments/sweep-stars-payments.job.ts';
import { sweepStripeEventsJob } from './payments/sweep-stripe-events.job.ts';
import { pruneButtonPayloadsJob } from './maintenance/prune-button-payloads.job.ts';
import { refreshAnalyticsJob } from './maintenance/refresh-analytics.job.ts';
import { refreshCourseStatsJob } from './maintenance/refresh-course-stats.job.ts';
import { relayJob } from './support/relay.job.ts';
import { sweepSupportJob } from './support/sweep.job.ts';
import { notifyReviewJob } from './delivery/notify-review.job.ts';
import { sendDeliveryJob } from './delivery/send.job.ts';
import { releaseDripJob, scheduleDripJob } from './delivery/drip.job.ts';
import { startAnnouncementJob, startAnnouncementsJob } from './delivery/announcements.job.ts';
import { publishLiveJob, remindLiveJob } from './delivery/live.job.ts';
import { planDigestsJob } from './digests/plan-digests.job.ts';
import { trainRecommenderJob } from './digests/train-recommender.job.ts';
import { weeklySummaryJob } from './digests/weekly-summary.job.ts';

/** Every job of the contract and its handler; a contract job without a handler fails to compile. */
export const jobRegistry = {
  'maintenance.refresh-course-stats': refreshCourseStatsJob,
  'maintenance.refresh-analytics': refreshAnalyticsJob,
  'maintenance.prune-button-payloads': pruneButtonPayloadsJob,
  'payments.process-event': processPaymentEventJob,
  'payments.refund-order': refundOrderJob,
  'payments.sweep-stripe-events': sweepStripeEventsJob,
  'payments.sweep-stars-payments': sweepStarsPaymentsJob,
  'access.apply-grant': applyGrantJob,
  'access.run-lifecycle': runLifecycleJob,
  'access.notify-grace': notifyGraceJob,
  'access.reconcile': reconcileJob,
  'access.undo-audit': undoAuditJob,
  'support.relay': relayJob,
  'support.sweep': sweepSupportJob,
  'delivery.notify-review': notifyReviewJob,
  'delivery.send': sendDeliveryJob,
  'digests.weekly-summary': weeklySummaryJob,
  'digests.train-recommender': trainRecommenderJob,
  'digests.plan-digests': planDigestsJob,
  'delivery.schedule-drip': scheduleDripJob,
  'delivery.release-drip': releaseDripJob,
  'delivery.start-announcement': startAnnouncementJob,
  'delivery.start-announcements': startAnnouncementsJob,
  'delivery.publish-live': publishLiveJob,
  'delivery.remind-live': remindLiveJob,
} satisfies { [K in JobKey]: JobDefinition<K> };
