import { STAGE_ORDER } from '../../src/schema/stageOrder.js';

/**
 * Okabe-Ito, the colour-blind-safe palette Model Analyzer uses. Each pipeline stage has one fixed
 * colour on every page; percentiles are told apart by dashes as well as colour.
 */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  black: '#000000',
  grey: '#999999',
};

/** Pipeline order: the schema's one list (src/schema/stageOrder.ts). */
export { STAGE_ORDER };

const STAGE_COLOURS = [
  OKABE_ITO.grey,
  OKABE_ITO.purple,
  OKABE_ITO.yellow,
  OKABE_ITO.skyBlue,
  OKABE_ITO.vermillion,
  OKABE_ITO.blue,
  OKABE_ITO.green,
  OKABE_ITO.black,
  '#7F6A00',
  OKABE_ITO.orange,
];

const ORDER: readonly string[] = STAGE_ORDER;

export function stageColour(name: string): string {
  const i = ORDER.indexOf(name);
  return i >= 0 ? STAGE_COLOURS[i]! : OKABE_ITO.grey;
}

/** Sorts stage rows into pipeline order; unknown names go last in their given order. */
export function inPipelineOrder<T extends { name: string }>(rows: readonly T[]): T[] {
  const rank = (name: string): number => {
    const i = ORDER.indexOf(name);
    return i >= 0 ? i : ORDER.length;
  };
  return rows
    .map((r, i) => [r, i] as const)
    .sort((a, b) => rank(a[0].name) - rank(b[0].name) || a[1] - b[1])
    .map(([r]) => r);
}

/** Percentile lines: solid, dashed, dotted (colour is never the only signal). */
export const PERCENTILE_STYLE: Record<'p50' | 'p90' | 'p95' | 'p99', { colour: string; dash: number[] }> = {
  p50: { colour: OKABE_ITO.blue, dash: [] },
  p90: { colour: OKABE_ITO.green, dash: [8, 3, 2, 3] },
  p95: { colour: OKABE_ITO.orange, dash: [6, 4] },
  p99: { colour: OKABE_ITO.vermillion, dash: [2, 3] },
};

export const SLA_STYLE: { colour: string; dash: number[] } = { colour: OKABE_ITO.black, dash: [10, 5] };

/** Series colours for runs A, B, C... in a comparison. */
export const RUN_COLOURS = [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.purple, OKABE_ITO.skyBlue, OKABE_ITO.vermillion];
