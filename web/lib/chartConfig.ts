import type { Axis, ChartModel, Dataset } from './types.js';

/**
 * A chart model (chartModel.js) -> a chart.js 4 configuration. Pure, so a test can check that what
 * chart.js is given is exactly the document's numbers. Animation is off (motion, and speed:
 * chart.js's performance guide), and nothing is decimated: every point is drawn.
 */

export interface Theme {
  text: string;
  grid: string;
  background: string;
}

export function chartConfig(model: ChartModel, theme: Theme = LIGHT) {
  const isBar = model.type === 'bar';
  const datasets = model.datasets.map((d, i) => datasetConfig(d, model, theme, i));
  const scales = isBar ? barScales(model, theme) : xyScales(model, theme);
  return {
    type: model.type === 'scatter' ? 'scatter' : model.type,
    data: isBar ? { labels: model.labels, datasets } : { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: model.horizontal ? 'y' : 'x',
      parsing: isBar ? undefined : false,
      normalized: !isBar,
      spanGaps: false,
      scales,
      plugins: {
        // Line charts: the legend draws each line's own dash, so the percentiles differ without colour.
        legend: { labels: isBar || model.type === 'scatter' ? { color: theme.text, usePointStyle: true } : { color: theme.text, boxWidth: 36, boxHeight: 0 } },
        tooltip: { enabled: true },
      },
    },
  };
}

function datasetConfig(d: Dataset, model: ChartModel, theme: Theme, index: number) {
  const colour = d.colour === '#000000' ? theme.text : d.colour;
  // Stacked areas: each fills down to the one below it, translucent so the grid shows through.
  const base = model.stackedArea
    ? { label: d.label, data: d.data, borderColor: colour, backgroundColor: `${colour}99`, fill: index === 0 ? 'origin' : '-1' }
    : { label: d.label, data: d.data, borderColor: colour, backgroundColor: colour };
  if (model.type === 'bar') return { ...base, ...(d.stack ? { stack: d.stack } : {}), borderWidth: 0 };
  const hollow = d.hollow;
  return {
    ...base,
    borderDash: d.dash ?? [],
    borderWidth: d.reference ? 1.5 : 2,
    stepped: d.stepped ? 'before' : false,
    showLine: d.showLine ?? (d.reference || model.type !== 'scatter'),
    pointRadius: d.pointRadius ?? (model.type === 'scatter' ? 5 : d.data.length > 120 ? 0 : 2),
    pointStyle: d.pointStyle ?? 'circle',
    // Hollow markers for unstable points: the fill is the background, the ring keeps the colour.
    pointBackgroundColor: hollow ? hollow.map((h: boolean) => (h ? theme.background : colour)) : colour,
    pointBorderColor: colour,
    pointBorderWidth: 2,
  };
}

function xyScales(model: ChartModel, theme: Theme) {
  const axis = (a: Axis, position: 'bottom' | 'left') => ({
    type: a.type ?? 'linear',
    position,
    title: { display: Boolean(a.title), text: a.title, color: theme.text },
    ticks: { color: theme.text } as { color: string; callback?: (value: number) => string },
    grid: { color: theme.grid },
    ...(a.min !== undefined ? { min: a.min } : {}),
    ...(a.max !== undefined ? { max: a.max } : {}),
  });
  const x = axis(model.x, 'bottom');
  if (model.x.percentileTicks) x.ticks.callback = percentileTick;
  const y = { ...axis(model.y, 'left'), ...(model.stackedArea ? { stacked: true } : {}) };
  return { x, y };
}

function barScales(model: ChartModel, theme: Theme) {
  const value = {
    stacked: Boolean(model.stacked),
    title: { display: Boolean(model.x.title), text: model.x.title, color: theme.text },
    ticks: { color: theme.text },
    grid: { color: theme.grid },
    ...(model.x.min !== undefined || model.y.min !== undefined ? { min: model.x.min ?? model.y.min } : {}),
  };
  const category = { stacked: Boolean(model.stacked), ticks: { color: theme.text }, grid: { display: false }, title: { display: Boolean(model.y.title), text: model.y.title, color: theme.text } };
  return model.horizontal ? { x: value, y: category } : { x: { ...category, title: { display: true, text: model.x.title, color: theme.text } }, y: { ...value, title: { display: true, text: model.y.title, color: theme.text } } };
}

/** x = 1/(1-p): label 1 as 0%, 10 as 90%, 100 as 99%, ...; other ticks stay blank. */
export function percentileTick(value: number): string {
  const exp = Math.log10(value);
  if (Math.abs(exp - Math.round(exp)) > 1e-9) return '';
  const p = 100 * (1 - 1 / value);
  return `${Number(p.toFixed(4))}%`;
}

export const LIGHT: Theme = { text: '#1a1a1a', grid: '#e0e0e0', background: '#ffffff' };
export const DARK: Theme = { text: '#e8e8e8', grid: '#3a3a3a', background: '#161616' };
