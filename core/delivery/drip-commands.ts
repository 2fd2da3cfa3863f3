import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { withDefaultAction } from '../commands/default-action.ts';
import { findCourseIdByName } from '../catalog/get-course.ts';
import { courses, dripReleases, lessons } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { findMember } from '../members/find-member.ts';
import { can } from '../members/rbac.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { communityTime, formatInZone } from './schedule-time.ts';

export const dripInput = withDefaultAction('status', z.discriminatedUnion('action', [
  z.object({ action: z.literal('status'), member: z.string().trim().min(1).max(100).optional() }),
  z.object({ action: z.literal('release'), member: z.string().trim().min(1).max(100), course: z.string().trim().min(1).max(120) }),
]));

/**
 * `/drip status [member]`: when each dripped lesson opens (a member sees their own; creators
 * anyone's), in the community's time zone. `/drip release <member> <course>` (creators): opens
 * everything of that course for the member now; the next release run tells them. Audited.
 */
export async function manageDrip(deps: Pick<CoreDeps, 'db' | 'clock'>, actor: Actor, input: z.infer<typeof dripInput>): Promise<Result<Reply, DomainError>> {
  const manage = can(actor.role, 'catalog.manage');
  if ((input.action === 'release' || input.member) && !manage) return err({ code: 'forbidden', permission: 'catalog.manage' });
  const member = input.member ? await findMember(deps.db, { communityId: actor.communityId, platform: actor.platform, ref: input.member }) : { memberId: actor.memberId, displayName: '' };
  if (!member) return err({ code: 'member_not_found' });
  if (input.action === 'release') {
    const courseId = await findCourseIdByName(deps.db, { communityId: actor.communityId, name: input.course, statuses: ['published', 'archived'] });
    if (!courseId) return err({ code: 'course_not_found' });
    const now = deps.clock.now();
    const released = await deps.db.transaction(async (tx) => {
      const rows = await tx
        .update(dripReleases)
        .set({ releaseAt: now })
        .where(and(eq(dripReleases.communityId, actor.communityId), eq(dripReleases.memberId, member.memberId), eq(dripReleases.courseId, courseId), isNull(dripReleases.releasedAt)))
        .returning({ lessonId: dripReleases.lessonId });
      await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'drip.released', targetKind: 'member', targetId: member.memberId, details: { courseId, lessons: rows.length } });
      return rows.length;
    });
    return ok({ body: t(actor.locale, 'drip.releasedNow', { count: released, member: member.displayName }), ephemeral: true });
  }
  const { timeZone } = await communityTime(deps.db, actor.communityId);
  const rows = await deps.db
    .select({ course: courses.title, position: lessons.position, title: lessons.title, releaseAt: dripReleases.releaseAt, releasedAt: dripReleases.releasedAt })
    .from(dripReleases)
    .innerJoin(lessons, eq(lessons.id, dripReleases.lessonId))
    .innerJoin(courses, eq(courses.id, dripReleases.courseId))
    .where(and(eq(dripReleases.communityId, actor.communityId), eq(dripReleases.memberId, member.memberId)))
    .orderBy(asc(dripReleases.releaseAt));
  const lines = rows.map((row) => `${row.releasedAt || row.releaseAt <= deps.clock.now() ? '✓' : '🔒'} ${row.course} · ${row.position}. ${row.title} · ${formatInZone(row.releaseAt, timeZone, actor.locale)}`);
  return ok({
    title: input.member ? t(actor.locale, 'drip.statusTitle', { member: member.displayName }) : t(actor.locale, 'drip.statusMine'),
    body: truncate(lines.join('\n') || t(actor.locale, 'drip.nothing'), replyLimits.body),
    footer: t(actor.locale, 'drip.timeZone', { zone: timeZone }),
    ephemeral: true,
  });
}
