import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatComparison } from '../../../src/profile/formatProfile.js';
import { ProfileResultDocument, type ProfileResult } from '../../../src/schema/profileResult.js';
import { compareView } from '../../../web/lib/compareView.js';
import { compareMeasured, compareSides, formatP, MIN_WINDOWS, type MeasuredSide } from '../../../src/util/stats/verdict.js';

/**
 * The one verdict, worked by hand. Every "A vs B" sentence in the terminal and on the report's
 * pages comes from compareSides, so these sentences are exactly what a reader sees in both.
 */
const side = (name: string, samples: number[], extra: Partial<MeasuredSide> = {}): MeasuredSide => ({ name, samples, stable: true, ...extra });
const throughput = { what: 'throughput', unit: 'req/s', better: 'higher', digits: 1 } as const;
const stage = { what: 'stage configLoad (mean)', unit: 'ms', better: 'lower', digits: 2 } as const;

describe('compareSides: the cases of issue 16', () => {
  it('means 100 vs 95.2 with p < 0.05: a winner, because 100 / 95.2 = 1.0504 is above 1.05', () => {
    // a = 99, 100, 101: mean 100, s² = (1 + 0 + 1) / 2 = 1. b = 94.2, 95.2, 96.2: mean 95.2, s² = 1.
    // se = sqrt(1/3 + 1/3) = 0.81650; t = 4.8 / 0.81650 = 5.8788; df = (2/3)² / (2 × (1/3)² / 2) = 4;
    // p = 2 P(T_4 > 5.8788) = 0.00418 (scipy.stats.ttest_ind(equal_var=False): 0.004183597633).
    // The old report's rule (Δ / mean(a) = 4.8% ≤ 5%) called this noise while the terminal named a
    // winner; the one rule is symmetric: larger / smaller > 1.05.
    const v = compareSides(side('a', [99, 100, 101]), side('b', [94.2, 95.2, 96.2]), throughput);
    expect(v).toMatchObject({ kind: 'winner', winner: 'a', loser: 'b', basis: 'welch' });
    expect(v.kind === 'winner' && v.pValue).toBeCloseTo(0.00418359763345061, 12);
    expect(v.sentence).toBe('a gives 1.05x the throughput of b (100.0 vs 95.2 req/s, p = 0.004).');
    expect(v.short).toBe('a ↑ (p = 0.004)');
    // Swapping the sides names the same winner.
    expect(compareSides(side('b', [94.2, 95.2, 96.2]), side('a', [99, 100, 101]), throughput).sentence).toBe(v.sentence);
  });

  it('a stage one side does not run is removed, not noise', () => {
    const v = compareSides(side('torchserve', [17, 17.5, 17.4], { value: 17.3 }), side('triton', [], { value: null }), stage);
    expect(v).toMatchObject({ kind: 'removed', present: 'torchserve', absent: 'triton' });
    expect(v.sentence).toBe('stage configLoad (mean): removed in triton (torchserve: 17.30 ms; triton does not run it).');
    expect(v.short).toBe('removed in triton');
    const added = compareSides(side('triton', [], { value: null }), side('torchserve', [17, 17.5, 17.4], { value: 17.3 }), stage);
    expect(added.sentence).toBe('stage configLoad (mean): added in torchserve (torchserve: 17.30 ms; triton does not run it).');
  });

  it('two windows a side: not enough windows to judge, and no band printed', () => {
    expect(MIN_WINDOWS).toBe(3);
    const v = compareSides(side('a', [10, 30]), side('b', [12, 28]), throughput);
    expect(v).toMatchObject({ kind: 'not-enough-windows', windows: [2, 2] });
    expect(v.sentence).toBe('a and b: not enough windows to judge throughput (2 and 2 windows, 3 a side needed; 20.0 vs 20.0 req/s).');
    expect(v.short).toBe('not enough windows to judge');
    // One side short is enough to withhold the verdict.
    expect(compareSides(side('a', [10, 11, 12]), side('b', [30, 31]), throughput).kind).toBe('not-enough-windows');
  });
});

describe('compareSides: the rest of the rule', () => {
  it('not significant: within noise, the band is t_crit(df) × se over the average of the means', () => {
    // a = 100, 110, 90 (mean 100, s² 100); b = 112, 95, 125 (mean 110.667, s² 226.33).
    // se = sqrt(100/3 + 226.33/3) = 10.4297; t = -1.0227; df = 3.4787; p = 0.3722 (scipy).
    // t_crit(3.4787) = 2.94849; band = 2.94849 × 10.4297 / 105.333 = 29.19%.
    const v = compareSides(side('a', [100, 110, 90]), side('b', [112, 95, 125]), throughput);
    expect(v.kind).toBe('within-noise');
    expect(v.kind === 'within-noise' && v.noisePct).toBeCloseTo(29.19484517291687, 8);
    expect(v.sentence).toBe('a and b: throughput within noise (±29.2%; 100.0 vs 110.7 req/s, p = 0.372, 10.7% apart).');
    expect(v.short).toBe('within noise (±29.2%, p = 0.372)');
  });

  it('significant but 3% apart: named as too small, not as noise', () => {
    const v = compareSides(side('a', [100, 100.1, 99.9, 100]), side('b', [103, 103.1, 102.9, 103]), throughput);
    expect(v.kind).toBe('small-difference');
    expect(v.sentence).toBe('a and b: throughput 3.0% apart, below the 5% worth naming (100.0 vs 103.0 req/s, p < 0.001).');
  });

  it('no spread in either side: a deterministic difference, and an unstable side in the sentence', () => {
    const v = compareSides(side('a', [5, 5, 5]), side('b', [6, 6, 6], { stable: false }), throughput);
    expect(v).toMatchObject({ kind: 'winner', basis: 'deterministic', winner: 'b', unstable: ['b'] });
    expect(v.sentence).toBe("b gives 1.20x the throughput of a (6.0 vs 5.0 req/s, deterministic: no spread in either side's windows) (UNSTABLE: b did not stabilise; read with care).");
    expect(compareSides(side('a', [5, 5, 5]), side('b', [5, 5, 5]), throughput).sentence).toBe("a and b: throughput equal (5.0 req/s, no spread in either side's windows).");
  });

  it('lower is better: the lower side wins, by the same ratio rule', () => {
    const v = compareSides(side('a', [10, 10.2, 9.8]), side('b', [8, 8.1, 7.9]), { what: 'p95 latency', unit: 'ms', better: 'lower', digits: 2 });
    expect(v.sentence).toBe("b has the lower p95 latency: a's is 1.25x b's (10.00 vs 8.00 ms, p < 0.001).");
    expect(v.short).toBe('b ↓ (p < 0.001)');
  });

  it('no per-window figures: the difference, marked as not tested', () => {
    const p99 = { what: 'p99 latency', unit: 'ms', better: 'lower', digits: 2 } as const;
    expect(compareSides(side('a', [], { value: 12 }), side('b', [], { value: 10 }), p99).sentence).toBe(
      "b has the lower p99 latency: a's is 1.20x b's (12.00 vs 10.00 ms, no per-window figures: not tested).",
    );
    expect(compareSides(side('a', [], { value: 10.2 }), side('b', [], { value: 10 }), p99).sentence).toBe(
      'a and b: p99 latency 2.0% apart (10.20 vs 10.00 ms; no per-window figures: not tested).',
    );
  });

  it('quotes the headline figures the table shows, not the window means, when given', () => {
    // Window means 100.25 and 120.5; the whole-run throughputs the reader sees are 99.0 and 118.8.
    const v = compareMeasured(side('a', [100, 102, 98, 101], { value: 99 }), side('b', [120, 121, 119, 122], { value: 118.8 }), 'throughput', 'req/s');
    expect(v.sentence).toBe('b gives 1.20x the throughput of a (118.8 vs 99.0 req/s, p < 0.001).');
  });

  it('formatP: three decimals, or "< 0.001"', () => {
    expect(formatP(0.0123)).toBe('p = 0.012');
    expect(formatP(0.0004)).toBe('p < 0.001');
    expect(formatP(1)).toBe('p = 1.000');
  });
});

describe('the same sentence in the terminal and on the page', () => {
  // A measured profile (test/fixtures/report-measured), made stable, with throughputs and stages set
  // per case: `profile --compare` and the demo print formatComparison; the compare page shows
  // compareView. Both must carry the one verdict's sentence word for word.
  const base = ProfileResultDocument.parse(JSON.parse(readFileSync('test/fixtures/report-measured/torchserve-default.json', 'utf8')));
  const doc = (name: string, tps: number[], options: { drop?: string } = {}): ProfileResult => {
    const keep = <T extends { name: string }>(stages: T[]): T[] => stages.filter((s) => s.name !== options.drop);
    const windows = tps.map((throughputRps, i) => ({ ...base.measurement.windows[i % base.measurement.windows.length]!, index: i, throughputRps }));
    return {
      ...base,
      name,
      throughputRps: tps.reduce((x, y) => x + y, 0) / tps.length,
      stages: keep(base.stages),
      spec: { ...base.spec!, measurement: { ...base.spec!.measurement, stableWindows: tps.length } },
      measurement: { ...base.measurement, stable: true, windows: windows.map((w) => ({ ...w, stages: w.stages ? keep(w.stages) : undefined })) },
    };
  };
  const terminalLines = (a: ProfileResult, b: ProfileResult): string[] => formatComparison(a, b).split('\n');

  it('means 100 vs 95.2 (p = 0.004): a winner in both', () => {
    const [a, b] = [doc('a', [99, 100, 101]), doc('b', [94.2, 95.2, 96.2])];
    const sentence = 'a gives 1.05x the throughput of b (100.0 vs 95.2 req/s, p = 0.004).';
    expect(terminalLines(a, b)).toContain(sentence);
    const pair = compareView([a, b]).pairs[0]!;
    expect(pair.verdict).toBe(sentence);
    expect(pair.rows.find((r) => r.id === 'throughput')!.betterText).toBe('a ↑ (p = 0.004)');
    expect(pair.status).toBe('ok');
  });

  it('a stage one side does not run: "removed" in both, never "within noise"', () => {
    const [a, b] = [doc('a', [99, 100, 101]), doc('b', [99, 100, 101], { drop: 'configLoad' })];
    const sentence = 'stage configLoad (mean): removed in b (a: 158.72 ms; b does not run it).';
    expect(terminalLines(a, b)).toContain(sentence);
    const pair = compareView([a, b]).pairs[0]!;
    expect(pair.notes).toEqual([sentence]);
    expect(pair.rows.find((r) => r.id === 'stage:configLoad')!.betterText).toBe('removed in b');
  });

  it('two windows: "not enough windows to judge" in both, with no band and no success mark', () => {
    const [a, b] = [doc('a', [30, 40]), doc('b', [20, 60])];
    const sentence = 'a and b: not enough windows to judge throughput (2 and 2 windows, 3 a side needed; 35.0 vs 40.0 req/s).';
    expect(terminalLines(a, b)).toContain(sentence);
    const pair = compareView([a, b]).pairs[0]!;
    expect(pair.verdict).toBe(sentence);
    expect(pair.status).toBe('insufficient');
  });
});
