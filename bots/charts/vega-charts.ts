import { createRequire } from 'node:module';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Chart, ChartRenderer } from '../../core/analytics/chart.ts';

const require = createRequire(import.meta.url);
/** Noto Sans SC (OFL) from npm: every machine draws the same pixels, Chinese included (a fresh machine has no CJK font). */
const FONT_DIR = path.join(path.dirname(path.dirname(require.resolve('@embedpdf/fonts-sc'))), 'fonts');
const FONT_FILES = [path.join(FONT_DIR, 'NotoSansHans-Regular.otf'), path.join(FONT_DIR, 'NotoSansHans-Bold.otf')];
const FONT = 'Noto Sans SC';
const WIDTH = 640;
const HEIGHT = 280;
/** Discord and Telegram take up to 10 MB; a chart is a few tens of KB, and is refused well before. */
export const MAX_PNG_BYTES = 5 * 1024 * 1024;

// Without a canvas vega guesses text widths at 0.8 em a character and clips Chinese labels;
// a full-width character is one em.
const estimate = (text: string, fontSize: number) => [...text].reduce((width, char) => width + (/[\u2E80-\u9FFF\uAC00-\uD7AF\uFF00-\uFFEF]/.test(char) ? 1 : 0.6), 0) * fontSize;
type TextMetrics = { width: (item: { text?: unknown; fontSize?: number }, text?: unknown) => number };
// textMetrics is exported at run time (from vega-scenegraph) but not in vega's types.
(vega as unknown as { textMetrics: TextMetrics }).textMetrics.width = (item, text) => estimate(String(text ?? item.text ?? ''), item.fontSize ?? 11);

/** Charts drawn with Vega-Lite, to SVG by vega and to PNG by resvg (no browser, no canvas, no system fonts). */
export function createVegaCharts(): ChartRenderer {
  return {
    svg: (chart) => toSvg(chart),
    async png(chart) {
      const png = new Resvg(await toSvg(chart), { background: 'white', font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT } }).render().asPng();
      if (png.length > MAX_PNG_BYTES) throw new Error(`chart "${chart.title}" is ${png.length} bytes as PNG`);
      return png;
    },
  };
}

async function toSvg(chart: Chart): Promise<string> {
  const view = new vega.View(vega.parse(compile(toVegaLite(chart)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The Vega-Lite spec of a chart; axis labels are numeric or the rows' own text, so no date locale is needed. */
export function toVegaLite(chart: Chart): TopLevelSpec {
  const facets = [...new Set(chart.rows.map((row) => row.facet).filter(Boolean))];
  const series = chart.rows.some((row) => row.series);
  const format = chart.valueFormat === 'percent' ? '.0%' : '~s';
  const time = chart.xType === 'day' || chart.xType === 'month';
  const x = {
    field: 'x',
    type: time ? ('temporal' as const) : ('ordinal' as const),
    title: chart.xTitle,
    ...(time ? { timeUnit: chart.xType === 'day' ? ('yearmonthdate' as const) : ('yearmonth' as const), axis: { format: chart.xType === 'day' ? '%m-%d' : '%Y-%m', labelOverlap: true } } : { sort: null, axis: { labelAngle: 0, labelOverlap: true, labelLimit: 120 } }),
  };
  const y = { field: 'y', type: 'quantitative' as const, title: chart.yTitle, axis: { format } };
  const color = series ? { color: { field: 'series', type: 'nominal' as const, title: null, sort: null } } : {};
  const panelHeight = facets.length > 1 ? Math.max(120, Math.floor(HEIGHT / facets.length)) : HEIGHT;
  const base = { width: WIDTH, height: panelHeight };
  const layer =
    chart.kind === 'heatmap'
      ? {
          mark: { type: 'rect' as const },
          encoding: {
            x: { field: 'x', type: 'ordinal' as const, title: chart.xTitle, sort: null, axis: { labelAngle: 0 } },
            y: { field: 'series', type: 'ordinal' as const, title: chart.yTitle, sort: null },
            color: { field: 'y', type: 'quantitative' as const, title: null, scale: { scheme: 'blues', domain: [0, 1] }, legend: { format } },
          },
        }
      : chart.kind === 'hbar'
        ? { mark: { type: 'bar' as const }, encoding: { y: { ...x, type: 'ordinal' as const, axis: { labelLimit: 200 } }, x: y, ...color } }
        : { mark: chart.kind === 'line' ? { type: 'line' as const, point: true } : { type: 'bar' as const }, encoding: { x, y, ...color, ...(series && chart.kind === 'bar' ? { xOffset: { field: 'series', sort: null } } : {}) } };
  const config = { font: FONT, title: { fontSize: 15, anchor: 'start' as const }, axis: { labelFontSize: 11, titleFontSize: 12 }, view: { stroke: null } };
  const data = { values: chart.rows };
  if (facets.length > 1) {
    return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: chart.title, background: 'white', config, data, facet: { row: { field: 'facet', type: 'nominal', title: null, sort: null } }, resolve: { scale: { y: 'independent' } }, spec: { ...base, ...layer } } as TopLevelSpec;
  }
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: facets[0] ? `${chart.title} · ${facets[0]}` : chart.title, background: 'white', config, data, ...base, ...layer } as TopLevelSpec;
}
