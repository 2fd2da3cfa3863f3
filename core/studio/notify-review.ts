import { eq } from 'drizzle-orm';
import { courseRevisions, courses } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { notifyMember } from '../access/notify-member.ts';
import { ok, type Result } from '../result.ts';

/** Tells a revision's author, in a private message, what the reviewer decided (approved, or the changes asked for). */
export async function notifyReview(deps: Pick<CoreDeps, 'db' | 'access'>, revisionId: string): Promise<Result<{ reached: boolean }, DomainError>> {
  const [row] = await deps.db
    .select({ revision: courseRevisions, slug: courses.slug })
    .from(courseRevisions)
    .innerJoin(courses, eq(courses.id, courseRevisions.courseId))
    .where(eq(courseRevisions.id, revisionId));
  if (!row?.revision.authorMemberId || row.revision.status === 'review') return ok({ reached: false });
  const { revision, slug } = row;
  const reached = await notifyMember(deps, revision.authorMemberId!, (locale) =>
    revision.status === 'approved'
      ? { body: t(locale, 'review.notify.approved', { title: revision.title }) }
      : { body: t(locale, 'review.notify.changes', { title: revision.title, comment: revision.reviewComment ?? '', course: slug }) },
  );
  return ok({ reached });
}
