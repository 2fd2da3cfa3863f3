import { randomUUID } from 'node:crypto';
import { seededRandom } from '../seeded-random.ts';

/**
 * A community's year, generated from a seed as plain rows: members joining, subscriptions in
 * four plans (monthly, yearly and weekly in USD, monthly in Stars) with trials, coupons,
 * renewals, churn, failed renewals and refunds, one-time purchases, abandoned checkouts,
 * enrolments with lessons finished and dropped, behaviour events and announcements. The rows
 * are what Lyceum itself would have written; tests recompute every metric from them.
 */
export type History = ReturnType<typeof generateHistory>;

const DAY = 86_400_000;
const INTERVAL_DAYS = { week: 7, month: 30, year: 365 } as const;

export type PlanKey = 'monthly' | 'yearly' | 'weekly' | 'stars' | 'course' | 'starsCourse';
export const plans: Record<PlanKey, { kind: 'subscription' | 'one_time'; interval: 'week' | 'month' | 'year' | null; price: number; currency: string; provider: 'stripe' | 'telegram_stars' }> = {
  monthly: { kind: 'subscription', interval: 'month', price: 2900, currency: 'USD', provider: 'stripe' },
  yearly: { kind: 'subscription', interval: 'year', price: 24000, currency: 'USD', provider: 'stripe' },
  weekly: { kind: 'subscription', interval: 'week', price: 900, currency: 'USD', provider: 'stripe' },
  stars: { kind: 'subscription', interval: 'month', price: 1500, currency: 'XTR', provider: 'telegram_stars' },
  course: { kind: 'one_time', interval: null, price: 9900, currency: 'USD', provider: 'stripe' },
  starsCourse: { kind: 'one_time', interval: null, price: 5000, currency: 'XTR', provider: 'telegram_stars' },
};

export type HistoryCourse = { id: string; title: string; lessons: Array<{ id: string; position: number; title: string }> };

export function generateHistory(options: {
  seed: number;
  members: number;
  now: Date;
  days?: number;
  eventsPerMember?: number;
  lessonsPerCourse?: number;
  courses?: number;
  /** The subscription plans members take (default: all four). */
  subscriptionPlans?: readonly PlanKey[];
  /** The community's own courses, instead of generated ones. */
  existingCourses?: HistoryCourse[];
}) {
  const rand = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const now = options.now.getTime();
  const start = now - (options.days ?? 365) * DAY;
  const between = (from: number, to: number) => from + Math.floor(rand() * Math.max(1, to - from));
  const courseCount = options.courses ?? 4;
  const lessonsPerCourse = options.lessonsPerCourse ?? 5;

  const courses: HistoryCourse[] =
    options.existingCourses ?? Array.from({ length: courseCount }, (_, index) => ({ id: randomUUID(), title: `Course ${index + 1}`, lessons: Array.from({ length: lessonsPerCourse }, (_, position) => ({ id: randomUUID(), position: position + 1, title: `Lesson ${position + 1}` })) }));
  const subscriptionPlans = options.subscriptionPlans ?? (['monthly', 'monthly', 'yearly', 'weekly', 'stars'] as const);
  const couponIds = { forever: randomUUID(), once: randomUUID() };
  const members: Array<{ id: string; joinedAt: Date }> = [];
  const orders: Array<{ id: string; memberId: string; plan: PlanKey; status: string; amount: number; listAmount: number | null; couponId: string | null; currency: string; provider: string; createdAt: Date; paidAt: Date | null; refundedAt: Date | null }> = [];
  const subscriptions: Array<{ id: string; orderId: string; memberId: string; plan: PlanKey; provider: string; status: string; currentPeriodEnd: Date; canceledAt: Date | null; createdAt: Date }> = [];
  const ledger: Array<{ orderId: string; subscriptionId: string | null; kind: 'charge' | 'refund'; amount: number; currency: string; provider: string; occurredAt: Date; ref: string }> = [];
  const entitlements: Array<{ memberId: string; plan: PlanKey; source: 'order' | 'subscription'; orderId: string | null; subscriptionId: string | null; status: string; startsAt: Date; endsAt: Date | null; graceUntil: Date | null; revokedAt: Date | null }> = [];
  const trials: Array<{ memberId: string; plan: PlanKey; orderId: string; status: 'converted' | 'expired'; startsAt: Date; endsAt: Date }> = [];
  const enrollments: Array<{ memberId: string; courseId: string; startedAt: Date; completedAt: Date | null; done: number }> = [];
  const progress: Array<{ memberId: string; courseId: string; lessonId: string; completedAt: Date }> = [];
  const events: Array<{ memberId: string; kind: string; courseId: string | null; occurredAt: Date }> = [];
  const deliveries: Array<{ announcement: number; memberId: string; status: 'sent' | 'failed' | 'skipped'; unconfirmed: boolean }> = [];
  const announcements = Array.from({ length: 3 }, (_, index) => ({ id: randomUUID(), title: `News ${index + 1}`, startedAt: new Date(now - (index * 20 + 5) * DAY) }));
  // Provider refs are unique across communities: each history has its own.
  const refPrefix = randomUUID().slice(0, 8);
  let refs = 0;
  const hadTrial = new Set<string>();
  const charge = (order: (typeof orders)[number], subscriptionId: string | null, amount: number, at: number) => {
    const entry = { orderId: order.id, subscriptionId, kind: 'charge' as const, amount, currency: order.currency, provider: order.provider, occurredAt: new Date(at), ref: `ch_${refPrefix}_${++refs}` };
    ledger.push(entry);
    return entry;
  };

  for (let index = 0; index < options.members; index += 1) {
    const memberId = randomUUID();
    const joinedAt = between(start - 60 * DAY, now - DAY);
    members.push({ id: memberId, joinedAt: new Date(joinedAt) });
    const roll = rand();
    const owned: string[] = [];
    if (roll < 0.4) {
      const plan = pick(subscriptionPlans);
      subscribe(memberId, plan, between(Math.max(joinedAt, start), now - 2 * DAY));
      owned.push(...courses.slice(0, 2).map((course) => course.id));
      // Some take the weekly plan on top later: an expansion.
      if (rand() < 0.05 && plan !== 'weekly' && subscriptionPlans.includes('weekly')) subscribe(memberId, 'weekly', between(now - 120 * DAY, now - 2 * DAY));
    } else if (roll < 0.55) {
      const plan = pick(['course', 'course', 'starsCourse'] as const);
      const at = between(Math.max(joinedAt, start), now - DAY);
      const order = { id: randomUUID(), memberId, plan, status: 'paid', amount: plans[plan].price, listAmount: null, couponId: null, currency: plans[plan].currency, provider: plans[plan].provider, createdAt: new Date(at), paidAt: new Date(at + 60_000), refundedAt: null as Date | null };
      orders.push(order);
      charge(order, null, order.amount, at + 60_000);
      const refunded = rand() < 0.05;
      if (refunded) {
        order.status = 'refunded';
        order.refundedAt = new Date(at + 3 * DAY);
        ledger.push({ orderId: order.id, subscriptionId: null, kind: 'refund', amount: order.amount, currency: order.currency, provider: order.provider, occurredAt: order.refundedAt, ref: `re_${refPrefix}_${++refs}` });
      }
      entitlements.push({ memberId, plan, source: 'order', orderId: order.id, subscriptionId: null, status: refunded ? 'revoked' : 'active', startsAt: order.paidAt!, endsAt: refunded ? order.refundedAt : null, graceUntil: null, revokedAt: refunded ? order.refundedAt : null });
      owned.push(courses[2 % courses.length]!.id);
    } else if (roll < 0.65) {
      const at = between(Math.max(joinedAt, start), now - DAY);
      orders.push({ id: randomUUID(), memberId, plan: 'course', status: 'expired', amount: plans.course.price, listAmount: null, couponId: null, currency: 'USD', provider: 'stripe', createdAt: new Date(at), paidAt: null, refundedAt: null });
    }
    for (const courseId of owned) {
      if (rand() < 0.3) continue;
      const course = courses.find((candidate) => candidate.id === courseId)!;
      const startedAt = between(Math.max(joinedAt, start), now - DAY);
      let done = 0;
      while (done < course.lessons.length && rand() < 0.75) done += 1;
      const finished = done === course.lessons.length;
      const completedAt = finished ? startedAt + between(DAY, 40 * DAY) : null;
      enrollments.push({ memberId, courseId, startedAt: new Date(startedAt), completedAt: completedAt && completedAt < now ? new Date(completedAt) : null, done: completedAt && completedAt >= now ? done - 1 : done });
      const kept = enrollments.at(-1)!.done;
      for (const lesson of course.lessons.slice(0, kept)) progress.push({ memberId, courseId, lessonId: lesson.id, completedAt: new Date(startedAt + lesson.position * 3_600_000) });
    }
    const eventCount = Math.floor(rand() * 2 * (options.eventsPerMember ?? 12));
    for (let n = 0; n < eventCount; n += 1) {
      const kind = pick(['course_view', 'course_view', 'search', 'lesson_opened', 'lesson_completed', 'lesson_delivered', 'digest_sent'] as const);
      events.push({ memberId, kind, courseId: kind === 'search' ? null : pick(courses).id, occurredAt: new Date(between(Math.max(joinedAt, start), now)) });
    }
    if (rand() < 0.5) deliveries.push({ announcement: Math.floor(rand() * announcements.length), memberId, status: pick(['sent', 'sent', 'sent', 'failed', 'skipped'] as const), unconfirmed: rand() < 0.02 });
  }
  return { now: options.now, members, orders, subscriptions, ledger, entitlements, trials, enrollments, progress, events, deliveries, announcements, courses, couponIds };

  function subscribe(memberId: string, plan: PlanKey, at: number) {
    const { price, currency, provider, interval } = plans[plan];
    const days = INTERVAL_DAYS[interval!];
    const coupon = rand();
    const forever = provider === 'stripe' && coupon < 0.15;
    const once = provider === 'stripe' && !forever && coupon < 0.25;
    const amount = forever ? price * 0.8 : once ? price * 0.5 : price;
    const order = { id: randomUUID(), memberId, plan, status: 'paid', amount, listAmount: forever || once ? price : null, couponId: forever ? couponIds.forever : once ? couponIds.once : null, currency, provider, createdAt: new Date(at), paidAt: null as Date | null, refundedAt: null as Date | null };
    orders.push(order);
    const subscriptionId = randomUUID();
    // One trial per member and community, as Lyceum grants them.
    const trial = provider === 'stripe' && !hadTrial.has(memberId) && rand() < 0.2;
    if (trial) hadTrial.add(memberId);
    const trialEnd = at + 7 * DAY;
    let periodStart = trial ? trialEnd : at;
    let status = 'active';
    let canceledAt: number | null = null;
    if (trial && (rand() < 0.35 || trialEnd > now)) {
      // Canceled during the free week (or still in it): never paid.
      const ended = trialEnd <= now;
      if (ended) trials.push({ memberId, plan, orderId: order.id, status: 'expired', startsAt: new Date(at), endsAt: new Date(trialEnd) });
      subscriptions.push({ id: subscriptionId, orderId: order.id, memberId, plan, provider, status: ended ? 'canceled' : 'trialing', currentPeriodEnd: new Date(trialEnd), canceledAt: ended ? new Date(trialEnd) : null, createdAt: new Date(at) });
      entitlements.push({ memberId, plan, source: 'subscription', orderId: null, subscriptionId, status: ended ? 'expired' : 'active', startsAt: new Date(at), endsAt: new Date(trialEnd), graceUntil: null, revokedAt: null });
      return;
    }
    if (trial) trials.push({ memberId, plan, orderId: order.id, status: 'converted', startsAt: new Date(at), endsAt: new Date(trialEnd) });
    let currentPeriodEnd: number;
    const paid: Array<ReturnType<typeof charge>> = [];
    for (let first = true; ; first = false) {
      paid.push(charge(order, subscriptionId, first || forever ? amount : price, periodStart));
      if (first) order.paidAt = new Date(periodStart);
      const periodEnd = periodStart + days * DAY;
      currentPeriodEnd = periodEnd;
      if (periodEnd > now) break;
      // At the period's end: the member leaves (Stripe cancels; a Stars period is just not renewed), the card fails, or it renews.
      if (rand() < (provider === 'stripe' ? 0.06 : 0.08)) {
        if (provider === 'stripe') {
          status = 'canceled';
          canceledAt = periodEnd;
        }
        break;
      }
      if (provider === 'stripe' && now - periodEnd < 3 * DAY && rand() < 0.3) {
        status = 'past_due';
        break;
      }
      periodStart = periodEnd;
    }
    const refunded = status === 'active' && rand() < 0.02;
    if (refunded) {
      order.status = 'refunded';
      order.refundedAt = new Date(Math.min(now - 60_000, paid.at(-1)!.occurredAt.getTime() + DAY));
      for (const entry of paid) ledger.push({ ...entry, kind: 'refund', occurredAt: order.refundedAt, ref: `re_${refPrefix}_${++refs}` });
      status = 'canceled';
      canceledAt = order.refundedAt.getTime();
    }
    subscriptions.push({ id: subscriptionId, orderId: order.id, memberId, plan, provider, status, currentPeriodEnd: new Date(currentPeriodEnd), canceledAt: canceledAt ? new Date(canceledAt) : null, createdAt: new Date(at) });
    const lapsed = provider !== 'stripe' && currentPeriodEnd + 2 * 3_600_000 < now;
    entitlements.push({
      memberId,
      plan,
      source: 'subscription',
      orderId: null,
      subscriptionId,
      status: refunded ? 'revoked' : status === 'canceled' || lapsed ? 'expired' : status === 'past_due' ? 'grace' : 'active',
      startsAt: new Date(at),
      endsAt: refunded ? order.refundedAt : canceledAt ? new Date(canceledAt) : new Date(currentPeriodEnd),
      graceUntil: status === 'past_due' ? new Date(currentPeriodEnd + 3 * DAY) : null,
      revokedAt: refunded ? order.refundedAt : null,
    });
  }
}
