import { notifyGrace } from '../../core/access/notify-grace.ts';
import { defineJob } from '../define-job.ts';

/** Tells a member in grace how long access lasts and how to pay (core/access/notify-grace). */
export const notifyGraceJob = defineJob('access.notify-grace', async (deps, payload) => notifyGrace(deps, payload.entitlementId));
