import { textTable } from '../util/textTable.js';
import { formatSla } from '../schema/sla.js';
import type { CurvePoint, SweepConfiguration, SweepResult } from '../schema/sweepResult.js';
import { compareMeasured, type Verdict } from '../util/stats/verdict.js';
import { bestPoint, pointSamples } from './curve.js';
import { heldIn } from './repeats.js';

/** The sweep's stdout: one table per configuration, then the best configuration at the SLA. */

function note(p: CurvePoint): string {
  const notes: string[] = [];
  if (p.failed > 0) notes.push(`${p.failed} failed`);
  if (p.dropped > 0) notes.push(`${p.dropped} dropped`);
  if (!p.stable) notes.push('unstable');
  const held = heldIn(p);
  if (held) notes.push(held);
  return notes.join(', ');
}

export function formatConfiguration(config: SweepConfiguration, result: SweepResult): string {
  const sla = formatSla(result.sla);
  const best = bestPoint(config.points);
  const kind = config.points[0]?.offered.kind ?? 'load';
  const unstable = best && !best.stable ? ', UNSTABLE: read with care' : '';
  const headline = best
    ? `${config.label}: max ${best.throughputRps.toFixed(1)} req/s at ${sla} (${kind} ${best.offered.value}${unstable})`
    : `${config.label}: no load measured meets ${sla}`;
  const rows = [[kind, 'throughput req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'meets SLA', 'note']];
  for (const p of config.points) {
    rows.push([String(p.offered.value), p.throughputRps.toFixed(1), p.p50Ms.toFixed(2), p.p95Ms.toFixed(2), p.p99Ms.toFixed(2), p.meetsSla ? 'yes' : 'no', note(p)]);
  }
  return `${headline}\n${textTable(rows, { alignRight: [true, true, true, true, true, false, false] })}`;
}

/** The configuration with the highest throughput at the SLA; undefined when none meets it. */
export function bestConfiguration(result: SweepResult): SweepConfiguration | undefined {
  let best: SweepConfiguration | undefined;
  for (const c of result.configurations) {
    if (c.maxThroughputAtSlaRps !== null && (!best || c.maxThroughputAtSlaRps > best.maxThroughputAtSlaRps!)) best = c;
  }
  return best;
}

/**
 * The best configuration against the runner-up, by Welch's test on their best points' samples:
 * undefined when fewer than two configurations meet the SLA.
 */
export function bestVerdict(result: SweepResult): Verdict | undefined {
  const ranked = result.configurations
    .filter((c) => c.maxThroughputAtSlaRps !== null)
    .sort((a, b) => b.maxThroughputAtSlaRps! - a.maxThroughputAtSlaRps!);
  const [first, second] = ranked;
  if (!first || !second) return undefined;
  const side = (c: SweepConfiguration) => {
    const p = bestPoint(c.points)!;
    return { name: c.label, samples: pointSamples(p), stable: p.stable };
  };
  return compareMeasured(side(first), side(second), 'throughput at the SLA', 'req/s');
}

export function formatSweep(result: SweepResult): string {
  const parts = result.configurations.map((c) => formatConfiguration(c, result));
  const best = bestConfiguration(result);
  const sla = formatSla(result.sla);
  if (!best) {
    parts.push(`no configuration meets ${sla} at any load measured`);
    return parts.join('\n\n');
  }
  const verdict = bestVerdict(result);
  const bestPt = bestPoint(best.points);
  const unstable = bestPt && !bestPt.stable ? ' (UNSTABLE: its point did not stabilise; read with care)' : '';
  if (!verdict) parts.push(`best: ${best.label} — ${best.maxThroughputAtSlaRps!.toFixed(1)} req/s at ${sla}${unstable}`);
  else if (verdict.kind === 'winner') parts.push(`best: ${best.label} — ${best.maxThroughputAtSlaRps!.toFixed(1)} req/s at ${sla}; ${verdict.sentence}`);
  else parts.push(`best: no clear winner at ${sla} — ${verdict.sentence}`);
  return parts.join('\n\n');
}
