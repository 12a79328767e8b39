import { fixed } from './format.js';
import { progressOf, timeline, type LiveState } from './liveReducer.js';
import { latencyChart, stagesPerWindowChart, throughputChart, windowEnds, type WindowsSource } from './windowCharts.js';
import { sweepView, type SweepSource } from './sweepView.js';
import type { ChartModel, Sla } from './types.js';

/**
 * The live page's view model from the live state: the same chart models as the report's, drawn
 * from the windows and points received so far, so nothing changes shape when the run ends.
 */
export function liveView(state: LiveState, options: { sla?: Sla | null } = {}) {
  const sla = options.sla ?? state.sla ?? null;
  const progress = progressOf(state);
  const charts: Record<string, ChartModel> = {};
  if (state.windows.length > 0) {
    const xs = windowEnds(state.windows);
    const pseudo: WindowsSource = { measurement: { windows: state.windows }, requests: { failed: state.counters.failed, dropped: state.counters.dropped }, throughputRps: state.counters.throughputRps ?? 0 };
    charts.latency = latencyChart(pseudo, xs, sla);
    charts.throughput = throughputChart(pseudo, xs);
    if (state.windows.some((w) => w.stages?.length)) charts.stagesPerWindow = stagesPerWindowChart(pseudo, xs);
  }
  if (state.kind === 'sweep' && state.points.length > 0 && sla) charts.capacity = sweepView(pseudoSweep(state, sla)).charts.capacity;
  return {
    title: `${state.kind ?? 'run'}: ${state.name ?? ''}`,
    phase: state.phase,
    timeline: timeline(state),
    progressText: progress ? `${fixed(progress.pct, 1)}% · about ${progress.etaS} s left (run clock ${fixed(state.atMs / 1000, 1)} s)` : `run clock ${fixed(state.atMs / 1000, 1)} s`,
    progress,
    counters: [
      ['completed', String(state.counters.completed)],
      ['failed', String(state.counters.failed)],
      ['dropped', String(state.counters.dropped)],
      ['req/s (last seconds)', state.counters.throughputRps === null ? '–' : fixed(state.counters.throughputRps, 1)],
    ],
    stability: state.stability ? `${state.stability.stable ? '✓ stable' : '… not yet stable'}: ${state.stability.note}` : 'stability: waiting for windows',
    running: state.running ? `measuring ${state.running.configuration} at ${state.running.offered.value} ${state.running.offered.kind === 'rps' ? 'req/s' : 'concurrent'}` : null,
    step: state.step ? `${state.step.configuration}: next ${state.step.rateRps} req/s (${state.step.why})` : null,
    notes: [
      ...state.skipped.map((s) => `skipped ${s.configuration}: ${s.reason}`),
      ...state.probes.map((p) => `${p.configuration}: one-client probe ${fixed(p.point.throughputRps, 1)} req/s, p95 ${fixed(p.point.p95Ms, 1)} ms; the rps search starts there`),
    ],
    warnings: state.warnings,
    failed: state.failed,
    charts,
  };
}

/** The points so far as a sweep document: each configuration's capacity is its best point meeting the SLA. */
function pseudoSweep(state: LiveState, sla: Sla): SweepSource {
  const byLabel = new Map<string, LiveState['points'][number]['point'][]>();
  for (const { configuration, point } of state.points) {
    const list = byLabel.get(configuration) ?? [];
    list.push(point);
    byLabel.set(configuration, list);
  }
  return {
    name: state.name ?? '',
    sla,
    configurations: [...byLabel].map(([label, points]) => {
      const meeting = points.filter((p) => p.meetsSla);
      return { label, params: {}, points, maxThroughputAtSlaRps: meeting.length > 0 ? Math.max(...meeting.map((p) => p.throughputRps)) : null };
    }),
  };
}
