import { notifyReview } from '../../core/studio/notify-review.ts';
import { defineJob } from '../define-job.ts';

/** Tells a course's author what the reviewer decided (core/studio/notify-review). */
export const notifyReviewJob = defineJob('delivery.notify-review', async (deps, payload) => notifyReview(deps, payload.revisionId));
