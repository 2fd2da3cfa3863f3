import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { t, toLocale } from '../i18n/index.ts';
import type { CoreDeps } from '../deps.ts';
import { communities, courses, deliveries, dripReleases, entitlements, lessons, members, platformIdentities, platformSpaces, productGrants } from '../db/schema/index.ts';
import type { Reply } from '../reply.ts';
import { releaseAt } from './release-time.ts';

/** The local hour dripped lessons open at, in the community's time zone. */
export const DRIP_HOUR = 9;
const BATCH = 1_000;

/**
 * Fixes the release time of every dripped lesson for every member who holds the course and has
 * none yet: `drip_offset_days` after the member's first access to it (a trial that turned paid
 * keeps its clock), at DRIP_HOUR in the community's zone. Rows once written never move.
 */
export async function scheduleDrip(deps: Pick<CoreDeps, 'db'>): Promise<{ scheduled: number }> {
  const due = await deps.db
    .select({
      communityId: entitlements.communityId,
      memberId: entitlements.memberId,
      courseId: productGrants.courseId,
      lessonId: lessons.id,
      offset: lessons.dripOffsetDays,
      timeZone: communities.timezone,
      since: sql<Date>`min(${entitlements.startsAt})`.mapWith((value: string) => new Date(value)),
    })
    .from(entitlements)
    .innerJoin(productGrants, and(eq(productGrants.productId, entitlements.productId), eq(productGrants.kind, 'course')))
    .innerJoin(lessons, and(eq(lessons.courseId, productGrants.courseId), sql`${lessons.dripOffsetDays} > 0`))
    .innerJoin(communities, eq(communities.id, entitlements.communityId))
    .leftJoin(dripReleases, and(eq(dripReleases.memberId, entitlements.memberId), eq(dripReleases.lessonId, lessons.id)))
    .where(isNull(dripReleases.lessonId))
    .groupBy(entitlements.communityId, entitlements.memberId, productGrants.courseId, lessons.id, lessons.dripOffsetDays, communities.timezone)
    // Only members who hold the course now; the clock still starts at their first access.
    .having(sql`bool_or(${entitlements.status} in ('active', 'grace'))`)
    .limit(BATCH);
  if (!due.length) return { scheduled: 0 };
  const rows = due.map((row) => ({ communityId: row.communityId, memberId: row.memberId, courseId: row.courseId!, lessonId: row.lessonId, releaseAt: releaseAt(row.since, row.offset, row.timeZone, DRIP_HOUR) }));
  const inserted = await deps.db.insert(dripReleases).values(rows).onConflictDoNothing().returning({ lessonId: dripReleases.lessonId });
  return { scheduled: inserted.length };
}

/**
 * Tells members about the lessons whose time has come, through the delivery ledger (a private
 * message with an Open button, once per member and lesson). A member in grace waits: the lesson
 * is released when the payment recovers, not skipped; one who no longer holds the course is not told.
 */
export async function releaseDueDrip(deps: Pick<CoreDeps, 'db' | 'clock' | 'queue'>): Promise<{ released: number }> {
  const now = deps.clock.now();
  const due = await deps.db
    .select({ release: dripReleases, lessonTitle: lessons.title, position: lessons.position, courseTitle: courses.title })
    .from(dripReleases)
    .innerJoin(lessons, eq(lessons.id, dripReleases.lessonId))
    .innerJoin(courses, eq(courses.id, dripReleases.courseId))
    .where(and(isNull(dripReleases.releasedAt), lte(dripReleases.releaseAt, now)))
    .orderBy(asc(dripReleases.releaseAt))
    .limit(BATCH);
  const planned: string[] = [];
  for (const row of due) {
    const { memberId, courseId, lessonId, communityId } = row.release;
    const [standing] = await deps.db
      .select({ active: sql<boolean>`bool_or(${entitlements.status} = 'active')`, grace: sql<boolean>`bool_or(${entitlements.status} = 'grace')` })
      .from(entitlements)
      .innerJoin(productGrants, and(eq(productGrants.productId, entitlements.productId), eq(productGrants.courseId, courseId)))
      .where(and(eq(entitlements.memberId, memberId), inArray(entitlements.status, ['active', 'grace'])));
    if (!standing?.active && !standing?.grace) {
      // No longer holds the course: nothing to tell (the row stops coming back).
      await deps.db.update(dripReleases).set({ releasedAt: now }).where(and(eq(dripReleases.memberId, memberId), eq(dripReleases.lessonId, lessonId)));
      continue;
    }
    if (!standing.active) continue;
    const identities = await deps.db.select({ platform: platformIdentities.platform, userId: platformIdentities.platformUserId, locale: platformIdentities.locale }).from(platformIdentities).where(eq(platformIdentities.memberId, memberId));
    // One private message per lesson: Telegram when the member has it, else Discord.
    const identity = identities.find((candidate) => candidate.platform === 'telegram') ?? identities.find((candidate) => candidate.platform === 'discord');
    await deps.db.transaction(async (tx) => {
      await tx.update(dripReleases).set({ releasedAt: now }).where(and(eq(dripReleases.memberId, memberId), eq(dripReleases.lessonId, lessonId)));
      if (!identity) return;
      const locale = toLocale(identity.locale) ?? 'en';
      const payload: Reply = {
        title: t(locale, 'drip.released', { position: row.position, title: row.lessonTitle }),
        body: row.courseTitle,
        actions: [
          {
            buttons: [
              { label: t(locale, 'drip.open'), action: { type: 'lesson.open', courseId, position: row.position }, style: 'primary' },
              { label: t(locale, 'notifications.unsubscribe'), action: { type: 'notifications.off', kind: 'drip' } },
            ],
          },
        ],
      };
      const [delivery] = await tx
        .insert(deliveries)
        .values({ communityId, kind: 'lesson', dedupeKey: `drip-${memberId}-${lessonId}`, lessonId, memberId, platform: identity.platform, targetKind: 'dm', targetId: identity.userId, payload, scheduledAt: now })
        .onConflictDoNothing()
        .returning({ id: deliveries.id });
      if (delivery) planned.push(delivery.id);
    });
  }
  for (const deliveryId of planned) await deps.queue.enqueue('delivery.send', { deliveryId });
  return { released: planned.length };
}

/**
 * A lesson Telegram would not deliver because the member never pressed Start in the bot's private
 * chat (a bot may not write first): they are told once, in the community's Telegram group, how to
 * get their lessons; once they start the bot, `/drip status` and the course show what is open.
 */
export async function hintStartInGroup(deps: Pick<CoreDeps, 'db' | 'clock' | 'queue'>, deliveryId: string): Promise<void> {
  const [row] = await deps.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
  if (!row || row.platform !== 'telegram' || !row.memberId || !/initiate conversation/i.test(row.lastError ?? '')) return;
  const [group] = await deps.db
    .select({ chatId: platformSpaces.externalId, locale: communities.defaultLocale })
    .from(platformSpaces)
    .innerJoin(communities, eq(communities.id, platformSpaces.communityId))
    .where(and(eq(platformSpaces.communityId, row.communityId), inArray(platformSpaces.kind, ['telegram_group', 'telegram_supergroup'])))
    .limit(1);
  const [member] = await deps.db.select({ name: members.displayName }).from(members).where(eq(members.id, row.memberId));
  if (!group || !member) return;
  const locale = toLocale(group.locale) ?? 'en';
  const [planned] = await deps.db
    .insert(deliveries)
    .values({ communityId: row.communityId, kind: 'direct', dedupeKey: `start-hint-${row.memberId}`, memberId: row.memberId, platform: 'telegram', targetKind: 'group', targetId: group.chatId, payload: { body: t(locale, 'drip.startHint', { name: member.name }) }, scheduledAt: deps.clock.now() })
    .onConflictDoNothing()
    .returning({ id: deliveries.id });
  if (planned) await deps.queue.enqueue('delivery.send', { deliveryId: planned.id });
}
