import { chartConfig, DARK, LIGHT } from '../lib/chartConfig.js';
import { dataTable, h } from './dom.js';

/**
 * A chart figure: the canvas (role="img", its finding as the aria-label), a caption, and the data
 * table drawn from the same chart model. Charts are created by drawCharts once the page is in the
 * document, because chart.js sizes a canvas from its parent.
 */
export function chartFigure(model, ctx) {
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

export function theme() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? DARK : LIGHT;
}

/** Draws (or redraws) every pending chart of a render context with chart.js (the UMD global). */
export function drawCharts(ctx) {
  const t = theme();
  for (const { canvas, model } of ctx.charts.splice(0)) {
    const existing = globalThis.Chart.getChart(canvas);
    if (existing) existing.destroy();
    new globalThis.Chart(canvas, chartConfig(model, t));
  }
}

export function section(title, id, ...children) {
  return h('section', { id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...children);
}

export function newContext(prefix, docId) {
  return { prefix, docId, charts: [] };
}
