import { fixed } from './format.js';
import { RUN_COLOURS, STAGE_ORDER, inPipelineOrder } from './palette.js';
import { table } from './chartModel.js';
import { latencyDistribution } from './profileView.js';
import { formatP, noiseVerdict } from './welch.js';

/**
 * Two or more profiles side by side (the article's TorchServe-vs-Triton table, generalised): the
 * first is the baseline A, each other is B in turn. Rows per figure and per stage, columns
 * A | B | Δ | × | better. A winner is named only when the difference is above 5% and, where
 * per-window samples exist, significant by Welch's t-test at α = 0.05; otherwise "within noise".
 */

export const MIN_DIFFERENCE_PCT = 5;
export const ALPHA = 0.05;

/** Figures compared: how to read each from a profile, its unit, and which direction is better. */
const FIGURES = [
  { id: 'throughput', label: 'throughput', unit: 'req/s', better: 'higher', get: (d) => d.throughputRps, samples: (d) => d.measurement.windows.map((w) => w.throughputRps) },
  { id: 'p50', label: 'p50 latency', unit: 'ms', better: 'lower', get: (d) => d.latency.endToEnd.p50Ms },
  { id: 'p95', label: 'p95 latency', unit: 'ms', better: 'lower', get: (d) => d.latency.endToEnd.p95Ms, samples: (d) => d.measurement.windows.map((w) => w.latency.p95Ms) },
  { id: 'p99', label: 'p99 latency', unit: 'ms', better: 'lower', get: (d) => d.latency.endToEnd.p99Ms },
  { id: 'gpu', label: 'GPU utilisation', unit: '%', better: null, get: (d) => d.utilization.gpu?.utilPct },
  { id: 'rss', label: 'RSS (max)', unit: 'MiB', better: 'lower', get: (d) => d.utilization.rssMiB?.max },
  { id: 'coldStart', label: 'model load (cold start)', unit: 'ms', better: 'lower', get: (d) => d.coldStart.modelLoadMs },
  { id: 'failed', label: 'failed requests', unit: '', better: 'lower', get: (d) => d.requests.failed },
];

export function compareView(docs) {
  if (docs.length < 2) throw new Error('compare needs at least two profiles');
  const [a, ...others] = docs;
  const pairs = others.map((b) => comparePair(a, b));
  return {
    kind: 'compare',
    title: `compare ${docs.map((d) => d.name).join(' vs ')}`,
    names: docs.map((d) => d.name),
    pairs,
    charts: { distribution: distributionOverlay(docs), stages: stageOverlay(docs) },
  };
}

export function comparePair(a, b) {
  const rows = [];
  for (const f of FIGURES) {
    const va = f.get(a);
    const vb = f.get(b);
    if (va === undefined && vb === undefined) continue;
    rows.push(compareRow(f, va, vb, f.samples ? [f.samples(a), f.samples(b)] : null, [a.name, b.name]));
  }
  const stageNames = inPipelineOrder([...new Set([...a.stages, ...b.stages].map((s) => s.name))].map((name) => ({ name }))).map((s) => s.name);
  for (const name of stageNames) {
    const sa = a.stages.find((s) => s.name === name);
    const sb = b.stages.find((s) => s.name === name);
    // Documents that record stages per window give per-window samples for Welch, as throughput does.
    const perWindow = (d) => d.measurement.windows.map((w) => w.stages?.find((st) => st.name === name)?.meanMs).filter((x) => x !== undefined);
    const samples = [perWindow(a), perWindow(b)];
    rows.push(compareRow({ id: `stage:${name}`, label: `stage ${name} (mean)`, unit: 'ms', better: 'lower' }, sa?.meanMs, sb?.meanMs, samples, [a.name, b.name]));
  }
  const throughput = rows.find((r) => r.id === 'throughput');
  return {
    a: a.name,
    b: b.name,
    rows,
    table: table(
      ['figure', a.name, b.name, 'Δ', '×', 'better'],
      rows.map((r) => [r.label, r.aText, r.bText, r.deltaText, r.ratioText, r.betterText]),
    ),
    verdict: pairVerdict(a, b, throughput),
    warnings: differences(a, b),
  };
}

function compareRow(f, va, vb, samples, names) {
  const unit = f.unit ? ` ${f.unit}` : '';
  const digits = f.unit === 'ms' ? 2 : 1;
  const known = va !== undefined && vb !== undefined;
  const delta = known ? vb - va : null;
  const deltaPct = known && va !== 0 ? ((vb - va) / Math.abs(va)) * 100 : null;
  const ratio = known && va !== 0 ? vb / va : null;
  let better = null;
  let betterText;
  let test = null;
  let why = null;
  if (!known) betterText = 'n/a';
  else if (f.better === null) betterText = '— (no better direction)';
  else {
    const higherIsBetter = f.better === 'higher';
    const arrow = higherIsBetter ? '↑' : '↓';
    if (samples && samples[0].length >= 2 && samples[1].length >= 2) {
      const v = noiseVerdict(samples[0], samples[1], { alpha: ALPHA, minPct: MIN_DIFFERENCE_PCT, higherIsBetter, names });
      test = v.test;
      better = v.winner;
      why = v.test ? `Welch p = ${formatP(v.test.p)}` : 'not tested';
      betterText = better ? `${better} ${arrow} (${why})` : `${v.text}${v.test ? `, ${why}` : ''}`;
    } else if (delta === 0) {
      betterText = '= equal';
    } else if (deltaPct === null || Math.abs(deltaPct) <= MIN_DIFFERENCE_PCT) {
      betterText = `within noise (±${deltaPct === null ? '?' : fixed(Math.abs(deltaPct), 1)}%)`;
    } else {
      better = (higherIsBetter ? deltaPct > 0 : deltaPct < 0) ? names[1] : names[0];
      why = 'no per-window samples: not tested';
      betterText = `${better} ${arrow} (${why})`;
    }
  }
  return {
    id: f.id,
    label: f.label,
    unit: f.unit,
    a: va ?? null,
    b: vb ?? null,
    delta,
    deltaPct,
    ratio,
    better,
    test,
    aText: va === undefined ? 'n/a' : `${fixed(va, digits)}${unit}`,
    bText: vb === undefined ? 'n/a' : `${fixed(vb, digits)}${unit}`,
    deltaText: delta === null ? 'n/a' : `${delta >= 0 ? '+' : ''}${fixed(delta, digits)}${unit}${deltaPct === null ? '' : ` (${deltaPct >= 0 ? '+' : ''}${fixed(deltaPct, 1)}%)`}`,
    ratioText: ratio === null ? 'n/a' : `${fixed(ratio, 2)}×`,
    betterText,
    why,
  };
}

function pairVerdict(a, b, row) {
  if (!row || row.ratio === null) return `${b.name} vs ${a.name}: throughput not comparable.`;
  if (row.better) {
    const [w, l, wv, lv] = row.better === b.name ? [b.name, a.name, row.b, row.a] : [a.name, b.name, row.a, row.b];
    return `${w} serves ${fixed(wv / lv, 2)}× the throughput of ${l} (${fixed(wv, 1)} vs ${fixed(lv, 1)} req/s; ${row.why}).`;
  }
  return `${b.name} vs ${a.name}: throughput ${row.betterText}.`;
}

/** Differences that make a comparison unfair, each as a sentence. */
export function differences(a, b) {
  const out = [];
  const check = (what, x, y) => {
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

function distributionOverlay(docs) {
  const datasets = docs.map((d, i) => {
    const dist = latencyDistribution(d, null);
    return { label: d.name, data: dist.chart.datasets[0].data, colour: RUN_COLOURS[i % RUN_COLOURS.length], dash: i === 0 ? [] : [6, 4] };
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

function stageOverlay(docs) {
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
  const top = biggest.reduce((x, y) => (y.spread > x.spread ? y : x), { n: null, spread: -1 });
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

