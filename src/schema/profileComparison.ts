import { compareMeasured, compareSides, type Verdict } from '../util/stats/verdict.js';
import { measuredSide, p95Side, stageSide } from './measuredSides.js';
import type { ProfileResult } from './profileResult.js';
import { STAGE_ORDER } from './stageOrder.js';

/**
 * Two profile documents compared figure by figure with the one verdict: the terminal's
 * `profile --compare` and the demo print these sentences, the report's compare page shows the same
 * ones. Pure; types only from the schema, so the browser bundle can import it.
 */
export interface ProfileComparison {
  throughput: Verdict;
  p95: Verdict;
  /** Every stage either run has, in pipeline order. */
  stages: { name: string; verdict: Verdict }[];
}

export function compareProfiles(a: ProfileResult, b: ProfileResult): ProfileComparison {
  return {
    throughput: compareMeasured(measuredSide(a), measuredSide(b), 'throughput', 'req/s'),
    p95: compareSides(p95Side(a), p95Side(b), { what: 'p95 latency', unit: 'ms', better: 'lower', digits: 2 }),
    stages: stagesInOrder([a, b]).map((name) => ({
      name,
      verdict: compareSides(stageSide(a, name), stageSide(b, name), { what: `stage ${name} (mean)`, unit: 'ms', better: 'lower', digits: 2 }),
    })),
  };
}

/** The sentences a reader must see beside the throughput verdict: stages one side does not run. */
export function comparisonNotes(c: ProfileComparison): string[] {
  return c.stages.filter((s) => s.verdict.kind === 'removed').map((s) => s.verdict.sentence);
}

/** Stage names of the runs in pipeline order; unknown names last, in the order first seen. */
export function stagesInOrder(docs: readonly ProfileResult[]): string[] {
  const names = [...new Set(docs.flatMap((d) => d.stages.map((s) => s.name as string)))];
  const rank = (n: string): number => {
    const i = (STAGE_ORDER as readonly string[]).indexOf(n);
    return i >= 0 ? i : STAGE_ORDER.length;
  };
  return names.map((n, i) => [n, i] as const).sort((x, y) => rank(x[0]) - rank(y[0]) || x[1] - y[1]).map(([n]) => n);
}
