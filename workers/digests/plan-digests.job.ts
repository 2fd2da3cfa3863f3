import { planDigests } from '../../core/recommend/digest.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** Hourly: plans the members' weekly digests that are due (core/recommend/digest). */
export const planDigestsJob = defineJob('digests.plan-digests', async (deps) => ok(await planDigests(deps)));
