import type { Dataset, Table } from './types.js';

/**
 * A chart as data (types.ts ChartModel): what every figure of the report is before it is drawn.
 * View models build these; chartConfig.ts turns one into a chart.js config, and the page renders its
 * `table` beside the canvas, so the picture and the words come from the same numbers.
 */

type Style = Partial<Omit<Dataset, 'label' | 'data'>>;

/** A line/scatter series as {x, y} points; y null leaves a gap (never a made-up zero). */
export function series(label: string, xs: readonly number[], ys: readonly (number | null | undefined)[], style: Style = {}): Dataset {
  return { label, data: xs.map((x, i) => ({ x, y: ys[i] ?? null })), colour: style.colour, dash: style.dash ?? [], ...style };
}

/** A horizontal reference line across [x0, x1], e.g. the SLA. */
export function referenceLine(label: string, x0: number, x1: number, y: number, style: { colour: string; dash?: number[] }): Dataset {
  return { label, data: [{ x: x0, y }, { x: x1, y }], colour: style.colour, dash: style.dash ?? [], pointRadius: 0, reference: true };
}

export function table(columns: string[], rows: string[][]): Table {
  return { columns, rows };
}
