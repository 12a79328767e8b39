import { compareProfiles, comparisonNotes } from '../../src/schema/profileComparison.js';
import { compareSides, MIN_EFFECT, SIGNIFICANCE_ALPHA, type Verdict } from '../../src/util/stats/verdict.js';
import { table } from './chartModel.js';
import { fixed } from './format.js';
import { RUN_COLOURS, STAGE_ORDER } from './palette.js';
import { latencyDistribution } from './latencyDistribution.js';
import { bannerStatus } from './status.js';
import type { ChartModel, Dataset, ProfileResult, Table, VerdictStatus } from './types.js';

/**
 * Two or more profiles side by side (the article's TorchServe-vs-Triton table, generalised): the
 * first is the baseline A, each other is B in turn. Rows per figure and per stage, columns
 * A | B | Δ | × | better. The "better" column and the verdict sentence are the one verdict's
 * (src/util/stats/verdict.ts), word for word what `profile --compare` and the demo print.
 */

export const MIN_DIFFERENCE_PCT = MIN_EFFECT * 100;
export const ALPHA = SIGNIFICANCE_ALPHA;

interface Figure {
  id: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower' | null;
  get: (d: ProfileResult) => number | undefined;
}

/** Figures without per-window samples; throughput, p95 and the stages come from compareProfiles. */
const FIGURES: Figure[] = [
  { id: 'throughput', label: 'throughput', unit: 'req/s', better: 'higher', get: (d) => d.throughputRps },
  { id: 'p50', label: 'p50 latency', unit: 'ms', better: 'lower', get: (d) => d.latency.endToEnd.p50Ms },
  { id: 'p95', label: 'p95 latency', unit: 'ms', better: 'lower', get: (d) => d.latency.endToEnd.p95Ms },
  { id: 'p99', label: 'p99 latency', unit: 'ms', better: 'lower', get: (d) => d.latency.endToEnd.p99Ms },
  { id: 'gpu', label: 'GPU utilisation', unit: '%', better: null, get: (d) => d.utilization.gpu?.utilPct },
  { id: 'rss', label: 'RSS (max)', unit: 'MiB', better: 'lower', get: (d) => d.utilization.rssMiB?.max },
  { id: 'coldStart', label: 'model load (cold start)', unit: 'ms', better: 'lower', get: (d) => d.coldStart.modelLoadMs },
  { id: 'failed', label: 'failed requests', unit: '', better: 'lower', get: (d) => d.requests.failed },
];

export interface CompareRow {
  id: string;
  label: string;
  unit: string;
  a: number | null;
  b: number | null;
  delta: number | null;
  deltaPct: number | null;
  ratio: number | null;
  /** The winner's name, or null. */
  better: string | null;
  verdict: Verdict | null;
  aText: string;
  bText: string;
  deltaText: string;
  ratioText: string;
  betterText: string;
}

export interface ComparePair {
  a: string;
  b: string;
  rows: CompareRow[];
  table: Table;
  /** The throughput verdict: the sentence the terminal prints. */
  verdict: string;
  /** Sentences that must not be missed beside it (stages one side does not run). */
  notes: string[];
  warnings: string[];
  status: VerdictStatus;
}

/** Verdicts that answer "which is better": within noise or too few windows do not (more measurement would). */
const DECIDED: readonly Verdict['kind'][] = ['winner', 'equal', 'small-difference'];

export function compareView(docs: readonly ProfileResult[]) {
  if (docs.length < 2) throw new Error('compare needs at least two profiles');
  const [a, ...others] = docs as [ProfileResult, ...ProfileResult[]];
  const pairs = others.map((b) => comparePair(a, b));
  return {
    kind: 'compare' as const,
    title: `compare ${docs.map((d) => d.name).join(' vs ')}`,
    names: docs.map((d) => d.name),
    pairs,
    charts: { distribution: distributionOverlay(docs), stages: stageOverlay(docs) },
  };
}

export function comparePair(a: ProfileResult, b: ProfileResult): ComparePair {
  const comparison = compareProfiles(a, b);
  const warnings = differences(a, b);
  const rows: CompareRow[] = [];
  for (const f of FIGURES) {
    const va = f.get(a);
    const vb = f.get(b);
    if (va === undefined && vb === undefined) continue;
    const verdict =
      f.id === 'throughput'
        ? comparison.throughput
        : f.id === 'p95'
          ? comparison.p95
          : f.better === null || va === undefined || vb === undefined
            ? null
            : compareSides({ name: a.name, samples: [], value: va, stable: true }, { name: b.name, samples: [], value: vb, stable: true }, { what: f.label, unit: f.unit, better: f.better, digits: f.unit === 'ms' ? 2 : 1 });
    rows.push(compareRow(f, va, vb, verdict, f.better === null ? '— (no better direction)' : 'n/a'));
  }
  for (const { name, verdict } of comparison.stages) {
    const mean = (d: ProfileResult): number | undefined => d.stages.find((s) => s.name === name && s.count > 0)?.meanMs;
    rows.push(compareRow({ id: `stage:${name}`, label: `stage ${name} (mean)`, unit: 'ms', better: 'lower' }, mean(a), mean(b), verdict, 'n/a'));
  }
  return {
    a: a.name,
    b: b.name,
    rows,
    table: table(
      ['figure', a.name, b.name, 'Δ', '×', 'better'],
      rows.map((r) => [r.label, r.aText, r.bText, r.deltaText, r.ratioText, r.betterText]),
    ),
    verdict: comparison.throughput.sentence,
    status: bannerStatus({ decided: DECIDED.includes(comparison.throughput.kind), stable: comparison.throughput.unstable.length === 0, warnings: warnings.length }),
    notes: comparisonNotes(comparison),
    warnings,
  };
}

function compareRow(f: Pick<Figure, 'id' | 'label' | 'unit' | 'better'>, va: number | undefined, vb: number | undefined, verdict: Verdict | null, otherwise: string): CompareRow {
  const unit = f.unit ? ` ${f.unit}` : '';
  const digits = f.unit === 'ms' ? 2 : 1;
  const known = va !== undefined && vb !== undefined;
  const delta = known ? vb - va : null;
  const deltaPct = known && va !== 0 ? ((vb - va) / Math.abs(va)) * 100 : null;
  const ratio = known && va !== 0 ? vb / va : null;
  return {
    id: f.id,
    label: f.label,
    unit: f.unit,
    a: va ?? null,
    b: vb ?? null,
    delta,
    deltaPct,
    ratio,
    better: verdict?.kind === 'winner' ? verdict.winner : null,
    verdict,
    aText: va === undefined ? 'n/a' : `${fixed(va, digits)}${unit}`,
    bText: vb === undefined ? 'n/a' : `${fixed(vb, digits)}${unit}`,
    deltaText: delta === null ? 'n/a' : `${delta >= 0 ? '+' : ''}${fixed(delta, digits)}${unit}${deltaPct === null ? '' : ` (${deltaPct >= 0 ? '+' : ''}${fixed(deltaPct, 1)}%)`}`,
    ratioText: ratio === null ? 'n/a' : `${fixed(ratio, 2)}×`,
    betterText: verdict ? verdict.short : otherwise,
  };
}

/** Differences that make a comparison unfair, each as a sentence. */
export function differences(a: ProfileResult, b: ProfileResult): string[] {
  const out: string[] = [];
  const check = (what: string, x: string | undefined, y: string | undefined): void => {
    if ((x ?? 'unknown') !== (y ?? 'unknown')) out.push(`The runs differ in ${what}: ${x ?? 'unknown'} vs ${y ?? 'unknown'}.`);
  };
  check('model', a.model?.sha256 ?? a.model?.source, b.model?.sha256 ?? b.model?.source);
  check('images', a.spec ? JSON.stringify(a.spec.images) : undefined, b.spec ? JSON.stringify(b.spec.images) : undefined);
  check('execution provider', a.environment.executionProvider, b.environment.executionProvider);
  check('instance type', a.environment.instanceType, b.environment.instanceType);
  check('host', a.environment.hostname, b.environment.hostname);
  for (const d of [a, b]) if (d.provenance.kind === 'imported') out.push(`${d.name} is imported from a publication, not measured by capacity-plan.`);
  return out;
}

function distributionOverlay(docs: readonly ProfileResult[]): ChartModel {
  const datasets: Dataset[] = docs.map((d, i) => {
    const dist = latencyDistribution(d, null);
    return { label: d.name, data: dist.chart.datasets[0]!.data, colour: RUN_COLOURS[i % RUN_COLOURS.length], dash: i === 0 ? [] : [6, 4] };
  });
  const p99s = docs.map((d) => `${d.name} ${fixed(d.latency.endToEnd.p99Ms, 1)} ms`);
  return {
    id: 'compare-distribution',
    title: 'Latency by percentile, all runs',
    type: 'line',
    x: { title: 'percentile', type: 'logarithmic', percentileTicks: true },
    y: { title: 'ms', type: 'linear' },
    datasets,
    finding: `p99: ${p99s.join('; ')}.`,
    table: table(['run', 'percentile', 'latency ms'], docs.flatMap((d) => latencyDistribution(d, null).rows.map((r) => [d.name, `${r.percentile}%`, fixed(r.latencyMs, 3)]))),
  };
}

function stageOverlay(docs: readonly ProfileResult[]): ChartModel {
  const names = STAGE_ORDER.filter((n) => docs.some((d) => d.stages.some((s) => s.name === n)));
  const datasets = docs.map((d, i) => ({
    label: d.name,
    data: names.map((n) => d.stages.find((s) => s.name === n)?.meanMs ?? null),
    colour: RUN_COLOURS[i % RUN_COLOURS.length],
  }));
  const biggest = names.map((n) => {
    const vals = docs.map((d) => d.stages.find((s) => s.name === n)?.meanMs ?? 0);
    return { n, spread: Math.max(...vals) - Math.min(...vals) };
  });
  const top = biggest.reduce<{ n: string | null; spread: number }>((x, y) => (y.spread > x.spread ? y : x), { n: null, spread: -1 });
  return {
    id: 'compare-stages',
    title: 'Stage means per run (ms)',
    type: 'bar',
    horizontal: true,
    labels: names,
    x: { title: 'ms', min: 0 },
    y: { title: '' },
    datasets,
    finding: top.n ? `The runs differ most in ${top.n}: ${fixed(top.spread, 2)} ms apart.` : 'No stage times in these documents.',
    table: table(['stage', ...docs.map((d) => `${d.name} ms`)], names.map((n, j) => [n, ...datasets.map((ds) => fixed(ds.data[j], 2))])),
  };
}
