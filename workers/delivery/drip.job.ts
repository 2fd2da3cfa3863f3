import { releaseDueDrip, scheduleDrip } from '../../core/delivery/drip.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** Fixes new drip release times (core/delivery/drip). */
export const scheduleDripJob = defineJob('delivery.schedule-drip', async (deps) => ok(await scheduleDrip(deps)));

/** Plans the private messages of lessons released now (core/delivery/drip). */
export const releaseDripJob = defineJob('delivery.release-drip', async (deps) => ok(await releaseDueDrip(deps)));
