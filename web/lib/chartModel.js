/**
 * A chart as data: what every figure of the report is before it is drawn. View models build these;
 * chartConfig.js turns one into a chart.js config, and the page renders its `table` beside the
 * canvas, so the picture and the words come from the same numbers.
 *
 * { id, title, type: 'line'|'scatter'|'bar', finding, x: {title, type, ...}, y: {title, type},
 *   labels?, stacked?, horizontal?, datasets: [{ label, data, colour, dash?, stepped?, hollow? }],
 *   table: { columns, rows } }
 */

/** A line/scatter series as {x, y} points; y null leaves a gap (never a made-up zero). */
export function series(label, xs, ys, style = {}) {
  return { label, data: xs.map((x, i) => ({ x, y: ys[i] ?? null })), colour: style.colour, dash: style.dash ?? [], ...style };
}

/** A horizontal reference line across [x0, x1], e.g. the SLA. */
export function referenceLine(label, x0, x1, y, style) {
  return { label, data: [{ x: x0, y }, { x: x1, y }], colour: style.colour, dash: style.dash ?? [], pointRadius: 0, reference: true };
}

export function table(columns, rows) {
  return { columns, rows };
}
