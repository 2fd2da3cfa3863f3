import type { Report } from '../../core/analytics/report.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { t } from '../../core/i18n/index.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export type DashboardSection = { report: Report; svg?: string | undefined; csv?: string | undefined };

/**
 * The dashboard page: read-only, no script. Charts are SVG inside `<img>` data URIs, so nothing
 * in them (a course title, say) can ever run in the page.
 */
export function dashboardPage(input: { locale: Locale; community: string; member: string; until: string; period: string; span: string; sections: DashboardSection[]; error?: string | undefined }): string {
  const { locale } = input;
  const sections = input.sections
    .map(({ report, svg, csv }) => {
      const rows = report.fields.map((field) => `<tr><th scope="row">${escape(field.name)}</th><td>${escape(field.value)}</td></tr>`).join('');
      const chart = svg ? `<img class="chart" alt="${escape(report.chart?.title ?? report.title)}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">` : '';
      const download = csv ? `<a class="csv" href="${escape(csv)}">${escape(t(locale, 'dashboard.page.csv'))}</a>` : '';
      return `<section><h2>${escape(report.title)} ${download}</h2><table>${rows}</table>${chart}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${locale === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t(locale, 'dashboard.page.title', { community: input.community }))}</title>
<style>
body{font-family:system-ui,"Noto Sans SC",sans-serif;margin:0 auto;max-width:980px;padding:1rem;color:#1f2933}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e4e7eb;vertical-align:top}th{font-weight:600;width:35%}
.chart{max-width:100%;height:auto;margin-top:.8rem}.csv{font-size:.8rem;margin-left:.5rem}.error{color:#b00020}
form{display:flex;gap:.5rem;align-items:center}footer{margin-top:2rem;font-size:.85rem;color:#52606d}
</style></head><body>
<h1>${escape(t(locale, 'dashboard.page.title', { community: input.community }))}</h1>
<form method="get"><label>${escape(t(locale, 'dashboard.page.period'))} <input name="period" value="${escape(input.period)}" maxlength="40"></label>
<input type="hidden" name="lang" value="${locale}"><button type="submit">${escape(t(locale, 'dashboard.page.show'))}</button> <span>${escape(input.span)}</span></form>
${input.error ? `<p class="error" role="alert">${escape(input.error)}</p>` : ''}
${sections}
<footer>${escape(t(locale, 'dashboard.page.readOnly', { member: input.member, until: input.until }))}</footer>
</body></html>`;
}

/** A page with one message: a refused link, a missing sign-in, no such dashboard. */
export function messagePage(locale: Locale, message: string): string {
  return `<!doctype html><html lang="${locale === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>Lyceum</title></head><body><p role="alert">${escape(message)}</p></body></html>`;
}
