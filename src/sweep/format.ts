import { textTable } from '../util/textTable.js';
import { formatSla } from '../schema/sla.js';
import { CONFIDENCE_PCT, type CapacityEstimate } from '../schema/capacityEstimate.js';
import { formatCapacity } from '../schema/capacityText.js';
import type { CurvePoint, SweepConfiguration, SweepResult } from '../schema/sweepResult.js';
import { compareMeasured, type Verdict } from '../util/stats/verdict.js';
import { bestPoint, pointSamples } from './curve.js';
import { heldIn } from './repeats.js';

/** The sweep's stdout: one table per configuration, then the best configuration at the SLA. */

function note(p: CurvePoint): string {
  const notes: string[] = [];
  const excluded = p.repeats?.filter((r) => r.excluded === 'interference').length ?? 0;
  const busy = p.repeats?.filter((r) => r.interference === true && r.excluded === undefined).length ?? 0;
  if (excluded > 0) notes.push(`${excluded} busy run(s) re-measured`);
  if (busy > 0) notes.push(`${busy} run(s) on a busy host`);
  if (p.failed > 0) notes.push(`${p.failed} failed`);
  if (p.dropped > 0) notes.push(`${p.dropped} dropped`);
  if (!p.stable) notes.push('unstable');
  const held = p.judgement ? undefined : heldIn(p);
  if (held) notes.push(held);
  return notes.join(', ');
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** A capacity search's table: one row per rate, its pooled evidence and decision. */
function formatCapacityConfiguration(config: SweepConfiguration, result: SweepResult): string {
  const cap = config.capacity;
  const sla = formatSla(result.sla);
  const spend = config.search ? `; ${config.search.runs} runs at ${config.search.rates} rates in ${config.search.spentS.toFixed(0)} s, stopped: ${config.search.stoppedBecause}` : '';
  const headline = cap
    ? `${config.label}: capacity ${formatCapacity(cap)} at ${sla}${cap.certifiedRps !== null ? `, certified ${cap.certifiedRps.toFixed(1)} req/s` : ''}${spend}`
    : `${config.label}: no rate measured${spend}`;
  const rows = [['rps', 'runs', 'requests', `over ${result.sla.maxLatencyMs} ms`, `${CONFIDENCE_PCT}% interval`, `${result.sla.percentile} ms (${CONFIDENCE_PCT}%)`, 'throughput req/s', 'decision', 'note']];
  for (const p of config.points) {
    const j = p.judgement;
    if (!j) continue;
    const l = j.latencyMs;
    rows.push([
      String(p.offered.value),
      String(j.runs),
      String(j.requests),
      pct(j.exceedanceFraction),
      `${pct(j.fractionLower)}–${pct(j.fractionUpper)}`,
      `${l.estimate.toFixed(1)} (${l.lower.toFixed(1)}–${l.upper === null ? '?' : l.upper.toFixed(1)})`,
      p.throughputRps.toFixed(1),
      j.decision,
      note(p),
    ]);
  }
  return `${headline}\n${textTable(rows, { alignRight: [true, true, true, true, true, true, true, false, false] })}`;
}

export function formatConfiguration(config: SweepConfiguration, result: SweepResult): string {
  if (config.capacity || config.points.some((p) => p.judgement)) return formatCapacityConfiguration(config, result);
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

/** A configuration's capacity at the SLA: its estimate when it has one (version 3), else its best measured point's. */
export function configurationCapacityRps(c: SweepConfiguration): number | null {
  if (c.capacity) return c.capacity.estimateRps;
  return c.maxThroughputAtSlaRps;
}

/** The configuration with the highest capacity at the SLA; undefined when none meets it. */
export function bestConfiguration(result: SweepResult): SweepConfiguration | undefined {
  let best: SweepConfiguration | undefined;
  for (const c of result.configurations) {
    const rps = configurationCapacityRps(c);
    if (rps !== null && (!best || rps > configurationCapacityRps(best)!)) best = c;
  }
  return best;
}

/**
 * Two capacity estimates compared by their intervals: a winner only when the intervals do not
 * overlap (each end a one-sided 95% bound, so an overlap leaves the order undecided).
 */
function capacityComparison(result: SweepResult, sla: string): string | undefined {
  const ranked = result.configurations
    .filter((c): c is SweepConfiguration & { capacity: CapacityEstimate } => c.capacity !== undefined && c.capacity.estimateRps !== null)
    .sort((a, b) => b.capacity.estimateRps! - a.capacity.estimateRps!);
  const [first, second] = ranked;
  if (!first) return undefined;
  const head = `best: ${first.label} — capacity ${formatCapacity(first.capacity)} at ${sla}`;
  if (!second) return head;
  const beats = second.capacity.upperRps !== null && first.capacity.lowerRps > second.capacity.upperRps;
  return beats
    ? `${head}; beats ${second.label} (${formatCapacity(second.capacity)}): the intervals do not overlap`
    : `best: no clear winner at ${sla} — ${first.label} ${formatCapacity(first.capacity)} and ${second.label} ${formatCapacity(second.capacity)} overlap`;
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
    // The figure quoted is the point's own (the table's mean of repeats), the test runs on its samples.
    return { name: c.label, samples: pointSamples(p), stable: p.stable, value: p.throughputRps };
  };
  return compareMeasured(side(first), side(second), 'throughput at the SLA', 'req/s');
}

export function formatSweep(result: SweepResult): string {
  const parts = result.configurations.map((c) => formatConfiguration(c, result));
  const best = bestConfiguration(result);
  const sla = formatSla(result.sla);
  const compared = capacityComparison(result, sla);
  if (compared) {
    parts.push(compared);
    for (const w of result.warnings ?? []) parts.push(`warning: ${w}`);
    return parts.join('\n\n');
  }
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
