import { z } from 'zod';
import { recordEvent } from '../analytics/record-event.ts';
import { findCourseIdByName } from '../catalog/get-course.ts';
import { courseRatings } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { courseRating, ownsCourse } from './course-access.ts';

export const rateInput = z.object({
  course: z.string().trim().min(1).max(120),
  score: z.coerce.number({ error: 'must be a whole number from 1 to 5' }).int('must be a whole number from 1 to 5').min(1, 'must be a whole number from 1 to 5').max(5, 'must be a whole number from 1 to 5'),
  review: z.string().trim().max(1000, 'must be at most 1000 characters').optional(),
});

/** `/rate`: an owner rates a course 1-5 with an optional review; rating again replaces the first. */
export async function rateCourse(deps: Pick<CoreDeps, 'db'>, actor: Actor, input: z.infer<typeof rateInput>): Promise<Result<Reply, DomainError>> {
  const courseId = await findCourseIdByName(deps.db, { communityId: actor.communityId, name: input.course, statuses: ['published', 'archived'] });
  if (!courseId) return err({ code: 'course_not_found' });
  if (!(await ownsCourse(deps.db, { communityId: actor.communityId, memberId: actor.memberId, courseId })).owned) return err({ code: 'course_not_owned' });
  const values = { score: input.score, review: input.review ?? '' };
  await deps.db
    .insert(courseRatings)
    .values({ communityId: actor.communityId, courseId, memberId: actor.memberId, ...values })
    .onConflictDoUpdate({ target: [courseRatings.courseId, courseRatings.memberId], set: values });
  await recordEvent(deps.db, { communityId: actor.communityId, memberId: actor.memberId, kind: 'course_rated', courseId, metadata: { score: input.score } });
  const rating = await courseRating(deps.db, courseId);
  return ok({ body: t(actor.locale, 'rate.thanks', { score: input.score, average: rating.average.toFixed(1), count: rating.count }), ephemeral: true });
}
