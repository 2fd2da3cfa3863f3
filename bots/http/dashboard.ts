import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { toCsv } from '../../core/analytics/csv.ts';
import { DASHBOARD_PATH, DASHBOARD_SESSION_TTL_MS, dashboardViewer, endSession, redeemDashboardLink, sessionIsLive } from '../../core/analytics/dashboard-access.ts';
import type { ReportView } from '../../core/analytics/report.ts';
import { exportMetrics, resolveReport } from '../../core/analytics/stats-command.ts';
import type { CoreDeps } from '../../core/deps.ts';
import { type Locale, t, toLocale } from '../../core/i18n/index.ts';
import { type DashboardSection, dashboardPage, messagePage } from './dashboard-page.ts';

const COOKIE = 'lyceum_dashboard';
const VIEWS: ReportView[] = ['overview', 'revenue', 'members', 'courses', 'announcements'];
const query = z.object({
  period: z.string().trim().max(40).optional(),
  course: z.string().trim().max(120).optional(),
  lang: z.enum(['en', 'zh']).optional(),
});

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'files' | 'charts' | 'log'>;

/**
 * The creator dashboard: `/dashboard/login?token=` spends a one-time link and sets an HttpOnly
 * session cookie scoped to /dashboard; `/dashboard/<community id>` shows that community's
 * numbers and charts (the same reports as /stats) to a session of that community only, with CSV
 * exports; any other community's id is a 404 whatever the URL says. No page is cached, none
 * sends a referrer (the login URL carries its token).
 */
export function mountDashboard(app: Hono, deps: Deps, options: { secureCookie: boolean }): void {
  app.use(`${DASHBOARD_PATH}/*`, async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-content-type-options', 'nosniff');
    c.header('content-security-policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  });

  app.get(`${DASHBOARD_PATH}/login`, async (c) => {
    const locale = localeOf(c);
    const redeemed = await redeemDashboardLink(deps.db, c.req.query('token') ?? '', deps.clock.now());
    if ('refused' in redeemed) return c.html(messagePage(locale, t(locale, `dashboard.page.${redeemed.refused}`)), redeemed.refused === 'unknown' ? 400 : 410);
    setCookie(c, COOKIE, redeemed.sessionToken, { httpOnly: true, sameSite: 'Lax', secure: options.secureCookie, path: DASHBOARD_PATH, maxAge: DASHBOARD_SESSION_TTL_MS / 1000 });
    return c.redirect(`${DASHBOARD_PATH}/${redeemed.communityId}`, 303);
  });

  app.get(`${DASHBOARD_PATH}/logout`, async (c) => {
    await endSession(deps.db, getCookie(c, COOKIE), deps.clock.now());
    deleteCookie(c, COOKIE, { path: DASHBOARD_PATH });
    return c.html(messagePage(localeOf(c), t(localeOf(c), 'dashboard.page.signIn')));
  });

  app.get(`${DASHBOARD_PATH}/:communityId/export/:metric`, async (c) => {
    const viewer = await signedIn(c);
    if (viewer instanceof Response) return viewer;
    const metric = z.enum(Object.keys(exportMetrics) as [keyof typeof exportMetrics]).safeParse(c.req.param('metric'));
    const params = query.safeParse(c.req.query());
    if (!metric.success || !params.success) return c.html(messagePage(viewer.locale, t(viewer.locale, 'dashboard.page.notFound')), 404);
    const resolved = await resolveReport(deps, viewer, { view: exportMetrics[metric.data], period: params.data.period, course: params.data.course });
    if (!resolved.ok) return c.html(messagePage(viewer.locale, resolved.error.code === 'invalid_input' ? resolved.error.details : t(viewer.locale, 'dashboard.page.notFound')), 400);
    c.header('content-disposition', `attachment; filename="${metric.data}-${resolved.value.period.fromDay}-${resolved.value.period.toDay}.csv"`);
    return c.body(toCsv(resolved.value.report.table), 200, { 'content-type': 'text/csv; charset=utf-8' });
  });

  app.get(`${DASHBOARD_PATH}/:communityId`, async (c) => {
    const viewer = await signedIn(c);
    if (viewer instanceof Response) return viewer;
    const params = query.safeParse(c.req.query());
    const { period, course } = params.success ? params.data : {};
    const locale = params.success && params.data.lang ? params.data.lang : viewer.locale;
    const reader = { ...viewer, locale };
    const sections: DashboardSection[] = [];
    let error: string | undefined;
    let span = '';
    const exportOf = Object.fromEntries(Object.entries(exportMetrics).map(([metric, view]) => [view, metric]));
    for (const view of course ? [...VIEWS, 'course' as const] : VIEWS) {
      const resolved = await resolveReport(deps, reader, { view, period, course });
      if (!resolved.ok) {
        error = resolved.error.code === 'invalid_input' ? resolved.error.details : t(locale, 'error.course_not_found');
        break;
      }
      const { report, period: parsed } = resolved.value;
      span = t(locale, 'stats.period', { from: parsed.fromDay, to: parsed.toDay, zone: parsed.timeZone });
      const svg = report.chart?.rows.length && deps.charts ? await deps.charts.svg(report.chart) : undefined;
      const search = new URLSearchParams({ ...(period ? { period } : {}), ...(view === 'course' && course ? { course } : {}) }).toString();
      sections.push({ report, svg, csv: `${DASHBOARD_PATH}/${viewer.communityId}/export/${exportOf[view]}${search ? `?${search}` : ''}` });
    }
    const page = dashboardPage({ locale, community: viewer.communityName, member: viewer.memberName, until: viewer.expiresAt.toISOString().slice(0, 16).replace('T', ' '), period: period ?? '30d', span, sections, error });
    return c.html(page, error ? 400 : 200);
  });

  /** The viewer of this community, or the page to answer instead: 401 without a live session, 404 for a session of another community. */
  async function signedIn(c: Context) {
    const token = getCookie(c, COOKIE);
    const now = deps.clock.now();
    const viewer = await dashboardViewer(deps.db, token, c.req.param('communityId') ?? '', now);
    if (viewer) return viewer;
    const locale = localeOf(c);
    if (await sessionIsLive(deps.db, token, now)) return c.html(messagePage(locale, t(locale, 'dashboard.page.notFound')), 404);
    return c.html(messagePage(locale, t(locale, 'dashboard.page.signIn')), 401);
  }
}

function localeOf(c: Context): Locale {
  return toLocale(c.req.query('lang')) ?? toLocale(c.req.header('accept-language')?.split(',')[0]) ?? 'en';
}
