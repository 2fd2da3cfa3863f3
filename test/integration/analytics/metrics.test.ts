import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOn, dailyActiveSeries, funnel, membersJoined } from '../../../core/analytics/activity.ts';
import { cohortRetention } from '../../../core/analytics/cohorts.ts';
import { courseEffectiveness, dropOff } from '../../../core/analytics/courses.ts';
import { addMonths, dayIn, monthsOf, parsePeriod, startOfDay } from '../../../core/analytics/period.ts';
import { announcementReach } from '../../../core/analytics/reach.ts';
import { revenueByDay } from '../../../core/analytics/revenue.ts';
import { refreshRollups } from '../../../core/analytics/rollups.ts';
import { mrrAt, mrrMovements, subscriberChurn, trialConversion } from '../../../core/analytics/subscriptions.ts';
import { communities, ledgerEntries } from '../../../core/db/schema/index.ts';
import { generateHistory, type History } from '../../../core/seed/history.ts';
import {
  referenceActivity,
  referenceChurn,
  referenceCohorts,
  referenceCourses,
  referenceFunnel,
  referenceMovements,
  referenceMrr,
  referenceRevenue,
  referenceTrialConversion,
} from '../../support/analytics-reference.ts';
import { insertHistory } from '../../../core/seed/insert-history.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity } from '../../support/fixtures.ts';

const NOW = new Date('2026-11-20T09:30:00Z');
const ZONE = 'Asia/Shanghai';

/**
 * Every metric of /stats on a generated community of 5,000 members and a year of history
 * (subscriptions in three money plans and Stars, trials, coupons, renewals, churn, failed
 * renewals, refunds, one-time sales, lessons, events), each equal to a recomputation from the
 * generated rows in plain TypeScript. A second community's history must never show.
 */
describe('analytics metrics', () => {
  let database: TestDatabase;
  let communityId: string;
  let history: History;

  beforeAll(async () => {
    database = await createTestDatabase();
    const community = await createCommunity(database.db, { name: 'Metrics Academy' });
    communityId = community.id;
    await database.db.update(communities).set({ timezone: ZONE }).where(eq(communities.id, communityId));
    history = generateHistory({ seed: 42, members: 5_000, now: NOW });
    await insertHistory(database.db, communityId, history);
    const other = await createCommunity(database.db, { name: 'Noise Academy' });
    await insertHistory(database.db, other.id, generateHistory({ seed: 7, members: 300, now: NOW }));
    await refreshRollups(database.db);
  }, 180_000);
  afterAll(async () => {
    await database?.drop();
  });

  const period = (text: string) => {
    const parsed = parsePeriod(text, ZONE, NOW);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed.period;
  };
  const monthBounds = (months: string[]) =>
    months.map((month) => {
      const end = startOfDay(`${addMonths(month, 1)}-01`, ZONE);
      return { month, start: startOfDay(`${month}-01`, ZONE), end: end < NOW ? end : NOW };
    });

  it('counts revenue per day and currency, Stars apart, as the ledger has it', async () => {
    const last90 = period('90d');
    const revenue = await revenueByDay(database.db, communityId, last90);
    expect(revenue.length).toBeGreaterThan(60);
    expect(new Set(revenue.map((row) => row.currency))).toEqual(new Set(['USD', 'XTR']));
    expect(revenue).toEqual(referenceRevenue(history, ZONE, last90.fromDay, last90.toDay));
  });

  it('keeps the revenue rollup right when the ledger grows, and refreshes only the touched days', async () => {
    const [order] = history.orders.filter((row) => row.status === 'paid' && row.currency === 'USD');
    const at = new Date(NOW.getTime() - 3 * 86_400_000);
    await database.db.insert(ledgerEntries).values({ communityId, orderId: order!.id, provider: 'stripe', kind: 'refund', amount: 100, currency: 'USD', providerRef: 're_late', occurredAt: at });
    history.ledger.push({ orderId: order!.id, subscriptionId: null, kind: 'refund', amount: 100, currency: 'USD', provider: 'stripe', occurredAt: at, ref: 're_late' });
    const refreshed = await refreshRollups(database.db);
    expect(refreshed.revenueDays).toBeLessThanOrEqual(2);
    const week = period('7d');
    expect(await revenueByDay(database.db, communityId, week)).toEqual(referenceRevenue(history, ZONE, week.fromDay, week.toDay));
  });

  it('computes MRR, ARPU, movements, subscriber churn and trial conversion by their definitions', async () => {
    expect(await mrrAt(database.db, communityId, NOW)).toEqual(referenceMrr(history, NOW));
    const months = monthBounds(monthsOf(period('12m')));
    const movements = await mrrMovements(database.db, communityId, months);
    expect(movements).toEqual(referenceMovements(history, months));
    for (const month of movements) expect(month.start + month.new + month.reactivation + month.expansion - month.contraction - month.churned).toBeCloseTo(month.end, -1);
    expect(movements.some((month) => month.expansion > 0 && month.churned > 0 && month.reactivation >= 0)).toBe(true);
    const churn = await subscriberChurn(database.db, communityId, NOW);
    expect(churn).toEqual(referenceChurn(history, NOW));
    expect(churn.rate).toBeGreaterThan(0);
    const trials = await trialConversion(database.db, communityId, NOW);
    expect(trials).toEqual(referenceTrialConversion(history, NOW));
  });

  it('counts new members, the funnel, DAU/WAU/MAU and stickiness', async () => {
    const last30 = period('30d');
    const joined = history.members.filter((member) => member.joinedAt >= last30.from && member.joinedAt < last30.to).length;
    expect(joined).toBeGreaterThan(0);
    expect(await membersJoined(database.db, communityId, last30)).toBe(joined);
    expect(await funnel(database.db, communityId, last30)).toEqual(referenceFunnel(history, last30.from, last30.to));
    const today = dayIn(NOW, ZONE);
    const activity = await activityOn(database.db, communityId, today);
    expect(activity).toEqual(referenceActivity(history, ZONE, today));
    expect(activity.mau).toBeGreaterThan(activity.wau);
    const series = await dailyActiveSeries(database.db, communityId, period('14d'));
    expect(series).toHaveLength(14);
    expect(series.at(-1)).toEqual({ day: today, active: activity.dau });
  });

  it('builds paid-retention cohorts by first payment month', async () => {
    const months = monthsOf(period('6m'));
    const cohorts = await cohortRetention(database.db, communityId, { fromMonth: months[0]!, toMonth: months.at(-1)!, timeZone: ZONE, now: NOW });
    const ends = monthBounds(months).map((bound) => bound.end);
    expect(cohorts).toEqual(referenceCohorts(history, ZONE, months, ends));
    expect(cohorts[0]!.retained.length).toBe(months.length);
  });

  it('measures each course: enrolments, completion, median time, and the lesson after which most stop', async () => {
    const year = period('12m');
    const expected = referenceCourses(history, year.from, year.to);
    const measured = await courseEffectiveness(database.db, communityId, year);
    expect(measured).toEqual(
      expected
        .map((course) => ({ courseId: course.courseId, title: course.title, enrolments: course.enrolments, completed: course.completed, completionRate: course.completed / course.enrolments, medianSecondsToComplete: course.medianSeconds }))
        .sort((a, b) => b.enrolments - a.enrolments || a.title.localeCompare(b.title)),
    );
    const first = expected[0]!;
    const lessons = await dropOff(database.db, communityId, year, { courseId: first.courseId });
    expect(lessons.map((row) => [row.position, row.stopped])).toEqual([...first.stopped.entries()].sort(([a], [b]) => a - b));
    const worst = await dropOff(database.db, communityId, year, { worstPerCourse: true });
    const top = Math.max(...first.stopped.values());
    expect(worst.find((row) => row.courseId === first.courseId)?.stopped).toBe(top);
  });

  it('reports each announcement’s reach from its delivery ledger', async () => {
    const reach = await announcementReach(database.db, communityId, period('90d'));
    expect(reach).toHaveLength(history.announcements.length);
    for (const row of reach) {
      const index = history.announcements.findIndex((announcement) => announcement.id === row.announcementId);
      const rows = history.deliveries.filter((delivery) => delivery.announcement === index);
      expect(row).toMatchObject({
        recipients: rows.length,
        sent: rows.filter((delivery) => delivery.status === 'sent').length,
        delivered: rows.filter((delivery) => delivery.status === 'sent' && !delivery.unconfirmed).length,
        failed: rows.filter((delivery) => delivery.status === 'failed').length,
      });
    }
  });

  it('refuses a period that ends before it starts, or that it cannot read', () => {
    expect(parsePeriod('2026-03-01..2026-01-01', ZONE, NOW)).toEqual({ error: 'reversed' });
    expect(parsePeriod('last tuesday', ZONE, NOW)).toEqual({ error: 'format' });
    expect(parsePeriod('2026-02-30..2026-03-01', ZONE, NOW)).toEqual({ error: 'format' });
    expect(parsePeriod('2027-01..2027-02', ZONE, NOW)).toEqual({ error: 'future' });
    expect(parsePeriod('2020-01..2026-01', ZONE, NOW)).toEqual({ error: 'too_long' });
    expect(parsePeriod('2026-01..2026-03', ZONE, NOW)).toMatchObject({ period: { fromDay: '2026-01-01', toDay: '2026-03-31' } });
  });
});
