import { publishLive, remindLive } from '../../core/delivery/live/publish-live.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** A live session onto Discord and Telegram, or off them once canceled (core/delivery/live). */
export const publishLiveJob = defineJob('delivery.publish-live', async (deps, payload) => ok(await publishLive(deps, payload.sessionId)));

/** The hour-before and starting reminders that are due. */
export const remindLiveJob = defineJob('delivery.remind-live', async (deps) => ok(await remindLive(deps)));
