import type { Database } from '../db/client.ts';
import {
  announcements,
  behaviourEvents,
  coupons,
  courses,
  deliveries,
  enrollments,
  entitlements,
  ledgerEntries,
  lessonProgress,
  lessons,
  members,
  memberships,
  orders,
  products,
  subscriptions,
  trials,
} from '../db/schema/index.ts';
import type { History, PlanKey } from '../../core/seed/history.ts';
import { plans } from '../../core/seed/history.ts';

const CHUNK = 2_000;

async function insertAll<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let index = 0; index < rows.length; index += CHUNK) await insert(rows.slice(index, index + CHUNK));
}

/**
 * Writes a generated history into a community as Lyceum's own tables hold it: with products of
 * its own (one per plan), or the community's own products (`productOf`) and the courses the
 * history was generated for (`existingCourses`), which are then not created again.
 */
export async function insertHistory(db: Database, communityId: string, history: History, options: { productOf?: Record<PlanKey, string>; existingCourses?: boolean } = {}): Promise<Record<PlanKey, string>> {
  const productOf = options.productOf ?? (await createPlanProducts(db, communityId));
  await db.insert(coupons).values([
    { id: history.couponIds.forever, communityId, code: 'LAUNCH20', percentOff: 20, duration: 'forever' },
    { id: history.couponIds.once, communityId, code: 'WELCOME50', percentOff: 50, duration: 'once' },
  ]);
  for (const course of options.existingCourses ? [] : history.courses) {
    await db.insert(courses).values({ id: course.id, communityId, slug: `c-${course.id.slice(0, 8)}`, title: course.title, category: 'General', status: 'published' });
    await db.insert(lessons).values(course.lessons.map((lesson) => ({ id: lesson.id, communityId, courseId: course.id, position: lesson.position, title: lesson.title })));
  }
  // Names no seeded persona or test member has, so `/grant Mia` still means one member.
  const named = history.members.map((member, index) => ({ id: member.id, displayName: `Learner ${String(index + 1).padStart(4, '0')}`, createdAt: member.joinedAt }));
  await insertAll(named, (chunk) => db.insert(members).values(chunk));
  await insertAll(history.members, (chunk) => db.insert(memberships).values(chunk.map((member) => ({ communityId, memberId: member.id, joinedAt: member.joinedAt }))));
  await insertAll(history.orders, (chunk) =>
    db.insert(orders).values(
      chunk.map((order) => ({
        id: order.id,
        communityId,
        memberId: order.memberId,
        productId: productOf[order.plan],
        couponId: order.couponId,
        provider: order.provider as 'stripe' | 'telegram_stars',
        status: order.status as 'paid' | 'refunded' | 'expired',
        amount: order.amount,
        listAmount: order.listAmount,
        currency: order.currency,
        providerCheckoutId: order.id,
        paidAt: order.paidAt,
        refundedAt: order.refundedAt,
        createdAt: order.createdAt,
      })),
    ),
  );
  await insertAll(history.subscriptions, (chunk) =>
    db.insert(subscriptions).values(
      chunk.map((sub) => ({
        id: sub.id,
        communityId,
        memberId: sub.memberId,
        productId: productOf[sub.plan],
        provider: sub.provider as 'stripe' | 'telegram_stars',
        providerSubscriptionId: `sub_${sub.id}`,
        orderId: sub.orderId,
        status: sub.status as 'active' | 'canceled' | 'past_due' | 'trialing',
        currentPeriodEnd: sub.currentPeriodEnd,
        canceledAt: sub.canceledAt,
        createdAt: sub.createdAt,
      })),
    ),
  );
  await insertAll(history.ledger, (chunk) =>
    db.insert(ledgerEntries).values(chunk.map((entry) => ({ communityId, orderId: entry.orderId, subscriptionId: entry.subscriptionId, provider: entry.provider as 'stripe' | 'telegram_stars', kind: entry.kind, amount: entry.amount, currency: entry.currency, providerRef: entry.ref, paymentRef: entry.ref, occurredAt: entry.occurredAt, createdAt: entry.occurredAt }))),
  );
  await insertAll(history.entitlements, (chunk) =>
    db.insert(entitlements).values(
      chunk.map((row) => ({ communityId, memberId: row.memberId, productId: productOf[row.plan], source: row.source, orderId: row.orderId, subscriptionId: row.subscriptionId, status: row.status as 'active' | 'expired' | 'revoked' | 'grace', startsAt: row.startsAt, endsAt: row.endsAt, graceUntil: row.graceUntil, revokedAt: row.revokedAt })),
    ),
  );
  await insertAll(history.trials, (chunk) =>
    db.insert(trials).values(chunk.map((trial) => ({ communityId, memberId: trial.memberId, productId: productOf[trial.plan], provider: 'stripe' as const, orderId: trial.orderId, days: 7, status: trial.status, startsAt: trial.startsAt, endsAt: trial.endsAt }))),
  );
  await insertAll(history.enrollments, (chunk) => db.insert(enrollments).values(chunk.map((row) => ({ communityId, memberId: row.memberId, courseId: row.courseId, startedAt: row.startedAt, completedAt: row.completedAt }))));
  await insertAll(history.progress, (chunk) => db.insert(lessonProgress).values(chunk.map((row) => ({ communityId, ...row }))));
  await insertAll(history.events, (chunk) =>
    db.insert(behaviourEvents).values(chunk.map((event) => ({ communityId, memberId: event.memberId, kind: event.kind as 'course_view', courseId: event.courseId, occurredAt: event.occurredAt }))),
  );
  await db.insert(announcements).values(history.announcements.map((announcement) => ({ id: announcement.id, communityId, title: announcement.title, body: 'news', status: 'sent' as const, startedAt: announcement.startedAt })));
  await insertAll(history.deliveries, (chunk) =>
    db.insert(deliveries).values(
      chunk.map((row, index) => ({ communityId, kind: 'announcement' as const, dedupeKey: `a-${row.memberId}-${index}`, announcementId: history.announcements[row.announcement]!.id, memberId: row.memberId, platform: 'telegram' as const, targetKind: 'dm' as const, targetId: row.memberId, status: row.status, unconfirmed: row.unconfirmed })),
    ),
  );
  return productOf;
}

/** One product per plan (the Stars plans priced in Stars), named `Plan <key>`. */
async function createPlanProducts(db: Database, communityId: string): Promise<Record<PlanKey, string>> {
  const rows = await db
    .insert(products)
    .values(
      (Object.entries(plans) as Array<[PlanKey, (typeof plans)[PlanKey]]>).map(([key, plan]) => ({
        communityId,
        slug: `plan-${key.toLowerCase()}`,
        name: `Plan ${key}`,
        kind: plan.kind,
        interval: plan.interval,
        priceAmount: plan.currency === 'XTR' ? 1000 : plan.price,
        currency: plan.currency === 'XTR' ? 'USD' : plan.currency,
        starsPrice: plan.currency === 'XTR' ? plan.price : null,
      })),
    )
    .returning({ id: products.id, slug: products.slug });
  return Object.fromEntries((Object.keys(plans) as PlanKey[]).map((key) => [key, rows.find((row) => row.slug === `plan-${key.toLowerCase()}`)!.id])) as Record<PlanKey, string>;
}
