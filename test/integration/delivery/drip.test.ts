import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, dripReleases, entitlements, lessons, memberships, platformIdentities, productGrants, products } from '../../../core/db/schema/index.ts';
import { releaseDueDrip, scheduleDrip } from '../../../core/delivery/drip.ts';
import { sendDelivery } from '../../../core/delivery/send-delivery.ts';
import { encodeAction } from '../../../core/actions.ts';
import { handleAction, handleCommand } from '../../../core/dispatch.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { commandDeps, RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock } from '../../support/fakes.ts';
import { createCourse } from '../../support/fixtures.ts';

/** Drip on real Postgres with a moving clock: release times fixed once, told once each, held during grace. */
describe('drip', () => {
  let database: TestDatabase;
  const clock = new FakeClock();
  const queue = new RecordingQueue();
  let deps: ReturnType<typeof commandDeps>;
  let memberId: string;
  let entitlementId: string;
  let lessonIds: string[];
  let community: string;
  let courseId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { communityId } = await seedDemoCommunity(database.db, clock.now());
    deps = commandDeps(database.db, { clock, queue });
    const course = await createCourse(database.db, communityId, { title: 'Drip Course', slug: 'drip-course' });
    community = communityId;
    courseId = course.id;
    lessonIds = (await database.db.insert(lessons).values([0, 2, 5].map((drip, index) => ({ communityId, courseId: course.id, position: index + 1, title: `Day ${drip}`, dripOffsetDays: drip }))).returning({ id: lessons.id })).map((row) => row.id);
    const [product] = await database.db.insert(products).values({ communityId, slug: 'drip-pass', name: 'Drip Pass', kind: 'one_time', priceAmount: 500, currency: 'USD' }).returning();
    await database.db.insert(productGrants).values({ communityId, productId: product!.id, kind: 'course', courseId: course.id });
    const [member] = await database.db.select({ memberId: memberships.memberId }).from(memberships).where(and(eq(memberships.communityId, communityId), eq(memberships.role, 'member')));
    memberId = member!.memberId;
    // Drip messages go to a private chat: the member also uses Telegram.
    await database.db.insert(platformIdentities).values({ memberId, platform: 'telegram', platformUserId: '5550001', locale: 'en' });
    clock.set(new Date('2026-01-10T12:00:00Z'));
    const [entitlement] = await database.db.insert(entitlements).values({ communityId, memberId, productId: product!.id, source: 'manual', startsAt: clock.now() }).returning();
    entitlementId = entitlement!.id;
  });
  afterAll(() => database.drop());

  const dripDeliveries = () => database.db.select({ lessonId: deliveries.lessonId }).from(deliveries).where(eq(deliveries.kind, 'lesson'));

  it('fixes each dripped lesson’s release at the morning hour, once', async () => {
    expect(await scheduleDrip(deps)).toEqual({ scheduled: 2 });
    expect(await scheduleDrip(deps)).toEqual({ scheduled: 0 });
    const rows = await database.db.select({ lessonId: dripReleases.lessonId, releaseAt: dripReleases.releaseAt }).from(dripReleases).where(eq(dripReleases.memberId, memberId));
    expect(rows.map((row) => [lessonIds.indexOf(row.lessonId), row.releaseAt.toISOString()]).sort()).toEqual([
      [1, '2026-01-12T09:00:00.000Z'],
      [2, '2026-01-15T09:00:00.000Z'],
    ]);
    // A later change of the schedule does not move what was fixed.
    await database.db.update(lessons).set({ dripOffsetDays: 30 }).where(eq(lessons.id, lessonIds[2]!));
    await scheduleDrip(deps);
    const [kept] = await database.db.select({ releaseAt: dripReleases.releaseAt }).from(dripReleases).where(eq(dripReleases.lessonId, lessonIds[2]!));
    expect(kept?.releaseAt.toISOString()).toBe('2026-01-15T09:00:00.000Z');
  });

  it('tells the member on the day, once, and waits during grace without skipping', async () => {
    clock.set(new Date('2026-01-11T12:00:00Z'));
    expect(await releaseDueDrip(deps)).toEqual({ released: 0 });
    clock.set(new Date('2026-01-12T09:30:00Z'));
    expect(await releaseDueDrip(deps)).toEqual({ released: 1 });
    expect(await releaseDueDrip(deps)).toEqual({ released: 0 });
    expect((await dripDeliveries()).map((row) => row.lessonId)).toEqual([lessonIds[1]]);
    // The lesson view agrees with the fixed times: lesson 3 stays locked until its day.
    const mia = { platform: 'console' as const, userId: consolePersonas.member.userId, displayName: consolePersonas.member.displayName, spaceId: CONSOLE_SPACE_ID };
    expect((await handleAction(deps, mia, encodeAction({ type: 'lesson.open', courseId, position: 3 }))).error).toEqual({ code: 'lesson_locked', until: '2026-01-15' });
    expect((await handleAction(deps, mia, encodeAction({ type: 'lesson.open', courseId, position: 2 }))).error).toBeUndefined();
    expect(queue.of('delivery.send')).toHaveLength(1);

    await database.db.update(entitlements).set({ status: 'grace' }).where(eq(entitlements.id, entitlementId));
    clock.set(new Date('2026-01-16T10:00:00Z'));
    expect(await releaseDueDrip(deps)).toEqual({ released: 0 });
    await database.db.update(entitlements).set({ status: 'active' }).where(eq(entitlements.id, entitlementId));
    expect(await releaseDueDrip(deps)).toEqual({ released: 1 });
    expect((await dripDeliveries()).map((row) => row.lessonId).sort()).toEqual([lessonIds[1], lessonIds[2]].sort());
  });

  it('shows the schedule with /drip status, and /drip release opens the rest now (creators only, audited)', async () => {
    const caller = (role: 'member' | 'creator') => ({ platform: 'console' as const, userId: consolePersonas[role].userId, displayName: consolePersonas[role].displayName, spaceId: CONSOLE_SPACE_ID });
    const [added] = await database.db.insert(lessons).values({ communityId: community, courseId, position: 4, title: 'Day 9', dripOffsetDays: 9 }).returning();
    await scheduleDrip(deps);
    const mine = await handleCommand(deps, caller('member'), 'drip', {});
    expect(mine.reply.title).toBe('Your drip schedule');
    expect(mine.reply.body).toMatch(/🔒 Drip Course · 4\. Day 9 · 19 Jan 2026, 09:00/);
    expect(mine.reply.body).toMatch(/✓ Drip Course · 2\. Day 2/);
    expect((await handleCommand(deps, caller('member'), 'drip', { action: 'release', member: 'Mia', course: 'drip-course' })).error?.code).toBe('forbidden');
    const released = await handleCommand(deps, caller('creator'), 'drip', { action: 'release', member: 'Mia', course: 'drip-course' });
    expect(released.reply.body).toMatch(/Released 1 lessons to Mia/);
    expect(await releaseDueDrip(deps)).toEqual({ released: 1 });
    expect((await dripDeliveries()).map((row) => row.lessonId)).toContain(added!.id);
  });

  it('lets the member stop drip messages in one press; later ones are skipped, counted, not sent', async () => {
    const mia = { platform: 'console' as const, userId: consolePersonas.member.userId, displayName: consolePersonas.member.displayName, spaceId: CONSOLE_SPACE_ID };
    const [planned] = await database.db.select({ id: deliveries.id, payload: deliveries.payload }).from(deliveries).where(eq(deliveries.kind, 'lesson')).limit(1);
    const unsubscribe = planned!.payload!.actions!.flatMap((row) => ('buttons' in row ? row.buttons : [])).find((button) => button.label === 'Stop these messages')!;
    const off = await handleAction(deps, mia, encodeAction((unsubscribe as { action: Parameters<typeof encodeAction>[0] }).action));
    expect(off.reply.body).toMatch(/no more New lessons/);
    expect((await handleCommand(deps, mia, 'notifications', {})).reply.body).toMatch(/New lessons: discord ✗ · telegram ✗/);
    expect(await sendDelivery(deps, planned!.id)).toBe('skipped');
    const [row] = await database.db.select({ status: deliveries.status, lastError: deliveries.lastError }).from(deliveries).where(eq(deliveries.id, planned!.id));
    expect(row).toEqual({ status: 'skipped', lastError: 'turned off by the member' });
    expect((await handleCommand(deps, mia, 'notifications', { kind: 'drip', state: 'on', platform: 'telegram' })).reply.body).toMatch(/New lessons: discord ✗ · telegram ✓/);
  });
});
