import { z } from 'zod';
import { findCourseIdByName } from '../catalog/get-course.ts';
import { withDefaultAction } from '../commands/default-action.ts';
import type { CoreDeps } from '../deps.ts';
import { communityTime } from '../delivery/schedule-time.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { type Reply, type ReplyFile, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { storeCsv } from './csv.ts';
import { parsePeriod, type Period } from './period.ts';
import { buildReport, type Report, type ReportView } from './report.ts';

const period = z.string().trim().min(1).max(40).optional();
const course = z.string().trim().min(1).max(120);
/** What `/stats export` writes, and the view whose table it is. */
export const exportMetrics = { revenue: 'overview', mrr: 'revenue', cohorts: 'members', courses: 'courses', dropoff: 'course', announcements: 'announcements' } as const satisfies Record<string, ReportView>;
export type ExportMetric = keyof typeof exportMetrics;
const MAX_EXPORT_BYTES = 8 * 1024 * 1024;

export const statsInput = withDefaultAction('overview', z.discriminatedUnion('action', [
  z.object({ action: z.literal('overview'), period }),
  z.object({ action: z.literal('revenue'), period }),
  z.object({ action: z.literal('members'), period }),
  z.object({ action: z.literal('courses'), period }),
  z.object({ action: z.literal('announcements'), period }),
  z.object({ action: z.literal('course'), course, period }),
  z.object({ action: z.literal('export'), metric: z.enum(Object.keys(exportMetrics) as [ExportMetric, ...ExportMetric[]]), course: course.optional(), period }),
]));
export type StatsInput = z.infer<typeof statsInput>;

type Deps = Pick<CoreDeps, 'db' | 'analyticsDb' | 'clock' | 'files' | 'charts'>;

/** The view, its period and course as a request names them, checked: what /stats and the dashboard read. */
export async function resolveReport(deps: Deps, actor: Pick<Actor, 'communityId' | 'locale'>, request: { view: ReportView; period?: string | undefined; course?: string | undefined }): Promise<Result<{ report: Report; period: Period }, DomainError>> {
  const now = deps.clock.now();
  const { timeZone } = await communityTime(deps.db, actor.communityId);
  const parsed = parsePeriod(request.period, timeZone, now);
  if ('error' in parsed) return err({ code: 'invalid_input', details: t(actor.locale, `stats.period.${parsed.error}`) });
  let courseId: string | undefined;
  if (request.view === 'course') {
    if (!request.course) return err({ code: 'invalid_input', details: t(actor.locale, 'stats.whichCourse') });
    courseId = await findCourseIdByName(deps.db, { communityId: actor.communityId, name: request.course, statuses: ['published', 'archived'] });
    if (!courseId) return err({ code: 'course_not_found' });
  }
  const report = await buildReport(request.view, { db: deps.analyticsDb ?? deps.db, communityId: actor.communityId, period: parsed.period, locale: actor.locale, now, courseId });
  return ok({ report, period: parsed.period });
}

/**
 * `/stats [overview|revenue|members|courses|course <name>|announcements] [period]` for owners and
 * creators: the key numbers and a chart (PNG) of their community, in their language;
 * `/stats export <metric>` sends the table as a CSV file. Private to the one who asks.
 */
export async function runStats(deps: Deps, actor: Actor, input: StatsInput): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'stats.view')) return err({ code: 'forbidden', permission: 'stats.view' });
  const view: ReportView = input.action === 'export' ? exportMetrics[input.metric] : input.action;
  const resolved = await resolveReport(deps, actor, { view, period: input.period, course: 'course' in input ? input.course : undefined });
  if (!resolved.ok) return resolved;
  const { report, period } = resolved.value;
  const span = t(actor.locale, 'stats.period', { from: period.fromDay, to: period.toDay, zone: period.timeZone });
  if (input.action === 'export') {
    const file = await storeCsv(deps.files, `${input.metric}-${period.fromDay}-${period.toDay}.csv`, report.table, MAX_EXPORT_BYTES);
    return ok({ title: t(actor.locale, 'stats.exported', { metric: input.metric }), body: t(actor.locale, 'stats.exportBody', { rows: report.table.rows.length }), footer: span, files: [file], ephemeral: true, confidential: true });
  }
  const files: ReplyFile[] = [];
  if (report.chart && report.chart.rows.length && deps.charts) {
    const png = await deps.charts.png(report.chart);
    const stored = await deps.files.put(png, { maxBytes: MAX_EXPORT_BYTES });
    files.push({ sha256: stored.sha256, name: `${view}-${period.fromDay}-${period.toDay}.png`, kind: 'image', mime: 'image/png', size: stored.size });
  }
  return ok({
    title: truncate(report.title, replyLimits.title),
    ...(report.fields.length ? {} : { body: t(actor.locale, 'stats.nothing') }),
    fields: report.fields.slice(0, replyLimits.fields).map((field) => ({ name: truncate(field.name, replyLimits.fieldName), value: truncate(field.value, replyLimits.fieldValue) })),
    footer: span,
    files,
    ephemeral: true,
    confidential: true,
  });
}
