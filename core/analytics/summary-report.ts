import type { Queryable } from '../db/client.ts';
import { formatMoney } from '../format.ts';
import { type Locale, t } from '../i18n/index.ts';
import { membersJoined } from './activity.ts';
import { dropOff } from './courses.ts';
import { addDays, type Period, startOfDay } from './period.ts';
import { buildReport, count, moneyList, type Report, revenueChart, revenueTable } from './report.ts';
import { revenueByDay, revenueTotals } from './revenue.ts';
import { mrrAt, subscriberChurn } from './subscriptions.ts';

/** Drop-off in the summary looks at the enrolments of the four weeks up to the week's end: one week is too few to stop in. */
const DROP_OFF_WEEKS = 4;

/**
 * The owner's weekly summary, from the same builders as /stats: the week's net revenue per
 * currency with its chart, the change in MRR, new members and churned subscribers; and the
 * course where most members stopped (enrolments of the last four weeks), as `/stats course`
 * shows it. `dropOff` is absent when no course lost anyone.
 */
export async function weeklySummary(db: Queryable, params: { communityId: string; week: Period; locale: Locale; now: Date }): Promise<{ week: Report; dropOff?: Report }> {
  const { communityId, week, locale, now } = params;
  const [days, mrrBefore, mrrAfter, joined, churn] = await Promise.all([
    revenueByDay(db, communityId, week),
    mrrAt(db, communityId, week.from),
    mrrAt(db, communityId, week.to),
    membersJoined(db, communityId, week),
    subscriberChurn(db, communityId, week.to, 7),
  ]);
  const currencies = [...new Set([...mrrAfter, ...mrrBefore].map((row) => row.currency))];
  const mrrChange = currencies.map((currency) => {
    const after = mrrAfter.find((row) => row.currency === currency)?.mrr ?? 0;
    const change = after - (mrrBefore.find((row) => row.currency === currency)?.mrr ?? 0);
    return t(locale, 'summary.mrrValue', { mrr: formatMoney(locale, after, currency), change: `${change < 0 ? '−' : '+'}${formatMoney(locale, Math.abs(change), currency)}` });
  });
  const summary: Report = {
    title: t(locale, 'summary.title', { from: week.fromDay, to: week.toDay }),
    fields: [
      { name: t(locale, 'stats.field.netRevenue'), value: moneyList(locale, revenueTotals(days).map((total) => ({ amount: total.net, currency: total.currency }))) },
      { name: t(locale, 'summary.field.mrr'), value: mrrChange.join(' · ') || '—' },
      { name: t(locale, 'stats.field.joined'), value: count(locale, joined) },
      { name: t(locale, 'summary.field.churned'), value: count(locale, churn.churned) },
    ],
    chart: revenueChart(locale, days),
    table: revenueTable(days),
  };
  const fromDay = addDays(week.toDay, -7 * DROP_OFF_WEEKS + 1);
  const recent: Period = { fromDay, toDay: week.toDay, from: startOfDay(fromDay, week.timeZone), to: week.to, timeZone: week.timeZone };
  const [worst] = await dropOff(db, communityId, recent, { worstPerCourse: true });
  if (!worst) return { week: summary };
  const course = await buildReport('course', { db, communityId, period: recent, locale, now, courseId: worst.courseId });
  return { week: summary, dropOff: { ...course, title: t(locale, 'summary.dropOffTitle', { course: worst.title, from: recent.fromDay, to: recent.toDay }) } };
}
