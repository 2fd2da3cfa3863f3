/**
 * A chart as /stats and the dashboard describe it, independent of how it is drawn: rows of
 * (x, y) values, optionally coloured by `series` and split by `facet` into panels with scales of
 * their own (one per currency: money in two currencies is never drawn on one axis).
 */
export type Chart = {
  kind: 'bar' | 'line' | 'hbar' | 'heatmap';
  title: string;
  xTitle: string;
  yTitle: string;
  /** `day` (YYYY-MM-DD) and `month` (YYYY-MM) are time axes; `category` keeps the rows' order. */
  xType: 'day' | 'month' | 'category';
  valueFormat: 'number' | 'percent';
  rows: ChartRow[];
};

export type ChartRow = { x: string; y: number; series?: string; facet?: string };

/** Draws charts (their text already in the reader's language): PNG for the chat platforms, SVG for the dashboard page. */
export interface ChartRenderer {
  png(chart: Chart): Promise<Uint8Array>;
  svg(chart: Chart): Promise<string>;
}
