import type { RunEventBody } from '../profile/events.js';
import { CONFIDENCE_PCT } from '../schema/capacityEstimate.js';
import type { Sla } from '../schema/sla.js';
import type { CurvePoint } from '../schema/sweepResult.js';
import { unreachable } from '../util/unreachable.js';
import { heldIn } from './repeats.js';

/**
 * A sweep's progress as text, read off its events: what `sweep` prints on stderr and the bench
 * logs. One function, so every front end that follows a sweep says the same thing. A profile
 * run's own events (phases, windows, ticks) are the progress bar's, not lines here.
 */
export function sweepProgressLines(event: RunEventBody, sla: Sla): string[] {
  switch (event.type) {
    case 'sweep-start':
      return [event.description, ...(event.resumedPoints > 0 ? [`resuming: ${event.resumedPoints} points done (from ${event.checkpointPath})`] : [])];
    case 'configuration-skipped':
      return [`skipping ${event.configuration}: ${event.reason}`];
    case 'probe-done': {
      const { throughputRps, p95Ms } = event.point;
      return [`[${event.configuration}] probe, one client: ${throughputRps.toFixed(1)} req/s, p95 ${p95Ms.toFixed(1)} ms: the search starts at ${throughputRps.toFixed(2)} req/s${fromCheckpoint(event.replayed)}`];
    }
    case 'search-step':
      return [`[${event.configuration}] rps ${event.rateRps}: ${event.why}`];
    case 'point-done':
      return [event.point.judgement ? formatRunLine(event.configuration, event.point, sla, fromCheckpoint(event.replayed)) : pointLine(event.configuration, event.point, fromCheckpoint(event.replayed))];
    case 'point-start':
    case 'phase':
    case 'progress':
    case 'window':
    case 'tick':
    case 'warning':
    case 'done':
    case 'failed':
    case 'verify-start':
    case 'trial-start':
    case 'trial-done':
      return [];
    default:
      return unreachable(event, 'run event');
  }
}

/** The capacity search's steps only: what `whatif` prints while it measures its variants. */
export function searchProgressLines(event: RunEventBody, sla: Sla): string[] {
  return event.type === 'point-done' || event.type === 'probe-done' ? [] : sweepProgressLines(event, sla);
}

const fromCheckpoint = (replayed: boolean): string => (replayed ? ' (from checkpoint)' : '');

/** A point of a concurrency axis or a listed rps axis, its repeats together. */
function pointLine(configuration: string, point: CurvePoint, suffix: string): string {
  const held = heldIn(point);
  return (
    `[${configuration}] ${point.offered.kind} ${point.offered.value}: ${point.throughputRps.toFixed(1)} req/s, ` +
    `p95 ${point.p95Ms.toFixed(1)} ms, p99 ${point.p99Ms.toFixed(1)} ms, ` +
    `${point.meetsSla ? 'meets' : 'misses'} the SLA${held ? ` (${held})` : ''}${suffix}`
  );
}

/** One progress line after a capacity-search run: the run's own p95, then the rate's pooled evidence. */
export function formatRunLine(configuration: string, point: CurvePoint, sla: Sla, suffix = ''): string {
  const j = point.judgement!;
  const run = point.repeats?.at(-1);
  const own = run ? `run ${point.repeats!.length}: ${sla.percentile} ${latencyAt(run, sla).toFixed(1)} ms` : 'run';
  const busy = run?.interference ? `, host busy (${run.otherCpuPct?.toFixed(0)}% other CPU)` : '';
  return (
    `[${configuration}] rps ${point.offered.value} ${own}${busy}; over ${j.runs} run(s) ${j.exceedances} of ${j.requests} over ${sla.maxLatencyMs} ms ` +
    `(${pct(j.exceedanceFraction)}, ${CONFIDENCE_PCT}% ${pct(j.fractionLower)}–${pct(j.fractionUpper)}, allowed ${pct(j.allowedFraction)}): ${j.decision}${suffix}`
  );
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function latencyAt(run: { p50Ms: number; p95Ms: number; p99Ms: number }, sla: Sla): number {
  return sla.percentile === 'p50' ? run.p50Ms : sla.percentile === 'p99' ? run.p99Ms : run.p95Ms;
}
