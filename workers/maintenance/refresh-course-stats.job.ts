import { communityExists } from '../../core/communities/community-exists.ts';
import { refreshCourseStats } from '../../core/catalog/refresh-course-stats.ts';
import { err, ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** Hourly (and on demand): popularity behind "popular first" listings and cold-start picks. */
export const refreshCourseStatsJob = defineJob('maintenance.refresh-course-stats', async (deps, payload, context) => {
  if (payload.communityId && !(await communityExists(deps.db, payload.communityId))) {
    return err({ code: 'community_not_found' });
  }
  const courses = await refreshCourseStats(deps.db, { communityId: payload.communityId, now: deps.clock.now() });
  context.log.info({ courses }, 'course stats refreshed');
  return ok(courses);
});
