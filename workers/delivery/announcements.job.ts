import { startAnnouncement, startDueAnnouncements } from '../../core/delivery/announcements/start.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** Starts (or resumes) one announcement (core/delivery/announcements/start). */
export const startAnnouncementJob = defineJob('delivery.start-announcement', async (deps, payload) => ok({ state: await startAnnouncement(deps, payload.announcementId) }));

/** Starts what is due and next in line, per community. */
export const startAnnouncementsJob = defineJob('delivery.start-announcements', async (deps) => ok(await startDueAnnouncements(deps)));
