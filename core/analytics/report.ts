import type { Queryable } from '../db/client.ts';
import { formatMoney } from '../format.ts';
import { type Locale, t } from '../i18n/index.ts';
import { activityOn, dailyActiveSeries, funnel, membersJoined } from './activity.ts';
import type { Chart } from './chart.ts';
import { cohortRetention } from './cohorts.ts';
import { courseEffectiveness, dropOff } from './courses.ts';
import { addMonths, dayIn, monthsOf, type Period, startOfDay } from './period.ts';
import { announcementReach, digestReach } from './reach.ts';
import { revenueByDay, revenueTotals } from './revenue.ts';
import { mrrAt, mrrMovements, subscriberChurn, trialConversion } from './subscriptions.ts';

export const reportViews = ['overview', 'revenue', 'members', 'courses', 'course', 'announcements'] as const;
export type ReportView = (typeof reportViews)[number];

/** A table behind a report: what `/stats export` and the dashboard's CSV links write. */
export type Table = { name: string; columns: string[]; rows: Array<Array<string | number>> };

/**
 * One view of a community's metrics: the key numbers as (name, value) in the reader's language,
 * its chart, and its table. /stats, the dashboard and the weekly summary all read these, so the
 * three always show the same numbers.
 */
export type Report = { title: string; fields: Array<{ name: string; value: string }>; chart?: Chart; table: Table };

type Context = { db: Queryable; communityId: string; period: Period; locale: Locale; now: Date; courseId?: string | undefined };

const percent = (locale: Locale, share: number | null) => (share === null ? '—' : new Intl.NumberFormat(locale === 'zh' ? 'zh-CN' : 'en-US', { style: 'percent', maximumFractionDigits: 1 }).format(share));
export const count = (locale: Locale, value: number) => new Intl.NumberFormat(locale === 'zh' ? 'zh-CN' : 'en-US').format(value);
export const moneyList = (locale: Locale, items: Array<{ amount: number; currency: string }>) => items.map((item) => formatMoney(locale, item.amount, item.currency)).join(' · ') || '—';
/** Minor units to the major units a chart's axis reads (cents to dollars; Stars stay whole). */
const major = (amount: number, currency: string) => (currency === 'XTR' ? amount : amount / 10 ** (new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2));

export async function buildReport(view: ReportView, context: Context): Promise<Report> {
  switch (view) {
    case 'overview':
      return overview(context);
    case 'revenue':
      return revenue(context);
    case 'members':
      return membersReport(context);
    case 'courses':
      return coursesReport(context);
    case 'course':
      return courseReport(context);
    case 'announcements':
      return announcementsReport(context);
  }
}

export function revenueChart(locale: Locale, days: Awaited<ReturnType<typeof revenueByDay>>): Chart {
  return { kind: 'bar', title: t(locale, 'stats.chart.revenue'), xTitle: t(locale, 'stats.axis.day'), yTitle: t(locale, 'stats.axis.net'), xType: 'day', valueFormat: 'number', rows: days.map((day) => ({ x: day.day, y: major(day.net, day.currency), facet: day.currency })) };
}

/** Revenue per day and currency as a table (what `/stats export revenue` writes). */
export function revenueTable(days: Awaited<ReturnType<typeof revenueByDay>>): Table {
  return { name: 'revenue', columns: ['day', 'currency', 'charges', 'gross', 'refunds', 'net'], rows: days.map((day) => [day.day, day.currency, day.charges, day.gross, day.refunds, day.net]) };
}

async function overview(context: Context): Promise<Report> {
  const { db, communityId, period, locale, now } = context;
  const end = period.to < now ? period.to : now;
  const [days, mrr, churn, trials, activity, buying, worst] = await Promise.all([
    revenueByDay(db, communityId, period),
    mrrAt(db, communityId, end),
    subscriberChurn(db, communityId, end),
    trialConversion(db, communityId, end),
    activityOn(db, communityId, dayIn(end, period.timeZone)),
    funnel(db, communityId, period),
    dropOff(db, communityId, period, { worstPerCourse: true }),
  ]);
  const totals = revenueTotals(days);
  const top = worst[0];
  return {
    title: t(locale, 'stats.title.overview'),
    fields: [
      { name: t(locale, 'stats.field.netRevenue'), value: moneyList(locale, totals.map((total) => ({ amount: total.net, currency: total.currency }))) },
      { name: t(locale, 'stats.field.mrr'), value: moneyList(locale, mrr.map((row) => ({ amount: row.mrr, currency: row.currency }))) },
      { name: t(locale, 'stats.field.arpu'), value: moneyList(locale, mrr.map((row) => ({ amount: row.arpu, currency: row.currency }))) },
      { name: t(locale, 'stats.field.subscribers'), value: count(locale, mrr.reduce((sum, row) => sum + row.payingMembers, 0)) },
      { name: t(locale, 'stats.field.churn'), value: percent(locale, churn.rate) },
      { name: t(locale, 'stats.field.trialConversion'), value: `${percent(locale, trials.rate)} (${trials.converted}/${trials.ended})` },
      { name: t(locale, 'stats.field.active'), value: t(locale, 'stats.activeValue', { dau: count(locale, activity.dau), wau: count(locale, activity.wau), mau: count(locale, activity.mau), stickiness: percent(locale, activity.stickiness) }) },
      { name: t(locale, 'stats.field.funnel'), value: t(locale, 'stats.funnelValue', { viewed: count(locale, buying.viewed), started: count(locale, buying.startedCheckout), paid: count(locale, buying.paid) }) },
      { name: t(locale, 'stats.field.dropOff'), value: top ? t(locale, 'stats.dropOffValue', { course: top.title, lesson: top.position ? `${top.position}. ${top.lesson ?? ''}`.trim() : t(locale, 'stats.beforeFirst'), stopped: count(locale, top.stopped), share: percent(locale, top.share) }) : '—' },
    ],
    chart: revenueChart(locale, days),
    table: revenueTable(days),
  };
}

async function revenue(context: Context): Promise<Report> {
  const { db, communityId, period, locale, now } = context;
  const months = monthsOf(period).map((month) => {
    const end = startOfDay(`${addMonths(month, 1)}-01`, period.timeZone);
    return { month, start: startOfDay(`${month}-01`, period.timeZone), end: end < now ? end : now };
  });
  const [days, movements] = await Promise.all([revenueByDay(db, communityId, period), mrrMovements(db, communityId, months)]);
  const totals = revenueTotals(days);
  const last = months.at(-1)?.month;
  const moves = movements.filter((row) => row.month === last);
  return {
    title: t(locale, 'stats.title.revenue'),
    fields: [
      ...totals.map((total) => ({ name: `${t(locale, 'stats.field.netRevenue')} · ${total.currency}`, value: t(locale, 'stats.revenueValue', { net: formatMoney(locale, total.net, total.currency), gross: formatMoney(locale, total.gross, total.currency), refunds: formatMoney(locale, total.refunds, total.currency), charges: count(locale, total.charges) }) })),
      ...moves.map((row) => ({
        name: `${t(locale, 'stats.field.mrr')} · ${row.currency} · ${row.month}`,
        value: t(locale, 'stats.mrrValue', { end: formatMoney(locale, row.end, row.currency), new: formatMoney(locale, row.new, row.currency), expansion: formatMoney(locale, row.expansion, row.currency), reactivation: formatMoney(locale, row.reactivation, row.currency), contraction: formatMoney(locale, row.contraction, row.currency), churned: formatMoney(locale, row.churned, row.currency) }),
      })),
    ],
    chart: revenueChart(locale, days),
    table: { name: 'mrr', columns: ['month', 'currency', 'mrr_start', 'new', 'expansion', 'reactivation', 'contraction', 'churned', 'mrr_end'], rows: movements.map((row) => [row.month, row.currency, row.start, row.new, row.expansion, row.reactivation, row.contraction, row.churned, row.end]) },
  };
}

async function membersReport(context: Context): Promise<Report> {
  const { db, communityId, period, locale, now } = context;
  const end = period.to < now ? period.to : now;
  const months = monthsOf(period);
  const [joined, activity, series, churn, trials, cohorts] = await Promise.all([
    membersJoined(db, communityId, period),
    activityOn(db, communityId, dayIn(end, period.timeZone)),
    dailyActiveSeries(db, communityId, period),
    subscriberChurn(db, communityId, end),
    trialConversion(db, communityId, end),
    cohortRetention(db, communityId, { fromMonth: months[0]!, toMonth: months.at(-1)!, timeZone: period.timeZone, now }),
  ]);
  return {
    title: t(locale, 'stats.title.members'),
    fields: [
      { name: t(locale, 'stats.field.joined'), value: count(locale, joined) },
      { name: t(locale, 'stats.field.active'), value: t(locale, 'stats.activeValue', { dau: count(locale, activity.dau), wau: count(locale, activity.wau), mau: count(locale, activity.mau), stickiness: percent(locale, activity.stickiness) }) },
      { name: t(locale, 'stats.field.churn'), value: t(locale, 'stats.churnValue', { rate: percent(locale, churn.rate), churned: count(locale, churn.churned), base: count(locale, churn.activeAtStart + churn.newInWindow) }) },
      { name: t(locale, 'stats.field.trialConversion'), value: `${percent(locale, trials.rate)} (${trials.converted}/${trials.ended})` },
      ...cohorts.slice(-3).map((cohort) => ({ name: t(locale, 'stats.field.cohort', { month: cohort.month }), value: cohort.retained.map((kept) => percent(locale, kept / cohort.size)).join(' → ') })),
    ],
    chart: { kind: 'line', title: t(locale, 'stats.chart.active'), xTitle: t(locale, 'stats.axis.day'), yTitle: t(locale, 'stats.axis.members'), xType: 'day', valueFormat: 'number', rows: series.map((day) => ({ x: day.day, y: day.active })) },
    table: { name: 'cohorts', columns: ['cohort', 'size', ...months.map((_, index) => `month_${index}`)], rows: cohorts.map((cohort) => [cohort.month, cohort.size, ...cohort.retained]) },
  };
}

async function coursesReport(context: Context): Promise<Report> {
  const { db, communityId, period, locale } = context;
  const courses = await courseEffectiveness(db, communityId, period);
  const days = (seconds: number | null) => (seconds === null ? '—' : t(locale, 'stats.days', { days: (seconds / 86_400).toFixed(1) }));
  return {
    title: t(locale, 'stats.title.courses'),
    fields: courses.slice(0, 10).map((course) => ({ name: course.title, value: t(locale, 'stats.courseValue', { enrolments: count(locale, course.enrolments), completion: percent(locale, course.completionRate), median: days(course.medianSecondsToComplete) }) })),
    chart: { kind: 'hbar', title: t(locale, 'stats.chart.completion'), xTitle: t(locale, 'stats.axis.course'), yTitle: t(locale, 'stats.axis.completion'), xType: 'category', valueFormat: 'percent', rows: courses.slice(0, 15).map((course) => ({ x: course.title, y: course.completionRate ?? 0 })) },
    table: { name: 'courses', columns: ['course', 'enrolments', 'completed', 'completion_rate', 'median_days_to_complete'], rows: courses.map((course) => [course.title, course.enrolments, course.completed, course.completionRate === null ? '' : course.completionRate.toFixed(4), course.medianSecondsToComplete === null ? '' : (course.medianSecondsToComplete / 86_400).toFixed(2)]) },
  };
}

async function courseReport(context: Context): Promise<Report> {
  const { db, communityId, period, locale, courseId } = context;
  const [[course], lessons] = await Promise.all([courseEffectiveness(db, communityId, period, courseId), dropOff(db, communityId, period, { courseId })]);
  const worst = [...lessons].sort((a, b) => b.stopped - a.stopped)[0];
  const label = (row: (typeof lessons)[number]) => (row.position ? `${row.position}. ${row.lesson ?? ''}`.trim() : t(locale, 'stats.beforeFirst'));
  return {
    title: t(locale, 'stats.title.course', { course: course?.title ?? '' }),
    fields: [
      { name: t(locale, 'stats.field.enrolments'), value: count(locale, course?.enrolments ?? 0) },
      { name: t(locale, 'stats.field.completion'), value: percent(locale, course?.completionRate ?? null) },
      { name: t(locale, 'stats.field.median'), value: course?.medianSecondsToComplete ? t(locale, 'stats.days', { days: (course.medianSecondsToComplete / 86_400).toFixed(1) }) : '—' },
      { name: t(locale, 'stats.field.dropOff'), value: worst ? t(locale, 'stats.dropOffLesson', { lesson: label(worst), stopped: count(locale, worst.stopped), share: percent(locale, worst.share) }) : '—' },
    ],
    chart: { kind: 'bar', title: t(locale, 'stats.chart.dropOff'), xTitle: t(locale, 'stats.axis.lastLesson'), yTitle: t(locale, 'stats.axis.stopped'), xType: 'category', valueFormat: 'number', rows: lessons.map((row) => ({ x: row.position ? String(row.position) : '0', y: row.stopped })) },
    table: { name: 'dropoff', columns: ['last_lesson_finished', 'lesson', 'stopped', 'share'], rows: lessons.map((row) => [row.position, row.lesson ?? '', row.stopped, row.share.toFixed(4)]) },
  };
}

async function announcementsReport(context: Context): Promise<Report> {
  const { db, communityId, period, locale } = context;
  const [reach, digests] = await Promise.all([announcementReach(db, communityId, period), digestReach(db, communityId, period)]);
  return {
    title: t(locale, 'stats.title.announcements'),
    fields: [
      ...(digests.sent ? [{ name: t(locale, 'stats.field.digests'), value: t(locale, 'stats.digestValue', { sent: count(locale, digests.sent), clicked: count(locale, digests.clicked), rate: percent(locale, digests.rate) }) }] : []),
      ...reach.slice(0, 9).map((row) => ({ name: row.title, value: t(locale, 'stats.reachValue', { recipients: count(locale, row.recipients), sent: count(locale, row.sent), delivered: count(locale, row.delivered), failed: count(locale, row.failed), clicked: count(locale, row.clicked), opens: count(locale, row.linkOpens) }) })),
    ],
    chart: {
      kind: 'bar',
      title: t(locale, 'stats.chart.reach'),
      xTitle: t(locale, 'stats.axis.announcement'),
      yTitle: t(locale, 'stats.axis.members'),
      xType: 'category',
      valueFormat: 'number',
      rows: reach.slice(0, 10).reverse().flatMap((row) => [
        { x: row.title, y: row.recipients, series: t(locale, 'stats.series.recipients') },
        { x: row.title, y: row.delivered, series: t(locale, 'stats.series.delivered') },
        { x: row.title, y: row.clicked, series: t(locale, 'stats.series.clicked') },
      ]),
    },
    table: { name: 'announcements', columns: ['announcement', 'started_at', 'recipients', 'sent', 'delivered', 'failed', 'skipped', 'clicked', 'link_opens'], rows: reach.map((row) => [row.title, row.startedAt.toISOString(), row.recipients, row.sent, row.delivered, row.failed, row.skipped, row.clicked, row.linkOpens]) },
  };
}
