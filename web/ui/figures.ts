import type { Chart as ChartJs, ChartConfiguration } from 'chart.js';
import { chartConfig, DARK, LIGHT, type Theme } from '../lib/chartConfig.js';
import type { ChartModel } from '../lib/types.js';
import { dataTable, h, type Child } from './dom.js';

/** chart.js's UMD build, loaded by its own script tag (served from node_modules, or inlined in an export). */
export const Chart = (): typeof ChartJs => (globalThis as unknown as { Chart: typeof ChartJs }).Chart;

/** Where a page's charts wait until the page is in the document. */
export interface RenderContext {
  prefix: string;
  docId: string | null;
  charts: { canvas: HTMLCanvasElement; model: ChartModel }[];
  note?: string;
}

export function configFor(model: ChartModel, t: Theme): ChartConfiguration {
  return chartConfig(model, t) as unknown as ChartConfiguration;
}

/**
 * A chart figure: the canvas (role="img", its finding as the aria-label), a caption, and the data
 * table drawn from the same chart model. Charts are created by drawCharts once the page is in the
 * document, because chart.js sizes a canvas from its parent.
 */
export function chartFigure(model: ChartModel, ctx: RenderContext): HTMLElement {
  const id = `${ctx.prefix}-fig-${model.id}`;
  const canvas = h('canvas', { role: 'img', 'aria-label': `${model.title}: ${model.finding}`, 'data-chart': model.id, 'data-doc': ctx.docId ?? '' });
  ctx.charts.push({ canvas, model });
  return h(
    'figure',
    { id, class: 'chart' },
    h('figcaption', {}, h('strong', {}, model.title), ' ', h('span', { class: 'finding' }, model.finding)),
    h('div', { class: model.horizontal && (model.labels?.length ?? 0) <= 2 ? 'canvas-box short' : 'canvas-box' }, canvas),
    h('details', {}, h('summary', {}, 'Data'), dataTable(model.table, null, `${ctx.docId ?? 'report'}-${model.id}`)),
  );
}

export function theme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? DARK : LIGHT;
}

/** Draws (or redraws) every pending chart of a render context with chart.js (the UMD global). */
export function drawCharts(ctx: RenderContext): void {
  const t = theme();
  const C = Chart();
  for (const { canvas, model } of ctx.charts.splice(0)) {
    const existing = C.getChart(canvas);
    if (existing) existing.destroy();
    new C(canvas, configFor(model, t));
  }
}

export function section(title: string, id: string, ...children: Child[]): HTMLElement {
  return h('section', { id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...children);
}

export function newContext(prefix: string, docId: string | null): RenderContext {
  return { prefix, docId, charts: [] };
}
