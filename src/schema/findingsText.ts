import type { Findings } from './findings.js';

/**
 * The evidence behind a findings document in one line, word for word the same in the terminal
 * (rightsize) and on the findings page: the peak hour's demand and its latency at the SLA's
 * percentile against the SLA, and the GPU utilisation the fleet showed against what the profile
 * reached at its capacity. Pure (no zod), so the page can import it.
 */
export function findingsEvidence(f: Findings): string {
  const sla = f.fleet.sla;
  const peak = f.hours.find((h) => h.start === f.summary.peakHour);
  const parts: string[] = [];
  if (peak) {
    const latency = peak.latencyMs === null ? `no ${sla.percentile} datapoints` : `${sla.percentile} up to ${round1(peak.latencyMs)} ms (worst minute) against ${sla.maxLatencyMs} ms`;
    parts.push(`peak hour ${peak.start}: ${round1(peak.peakRps)} req/s, ${latency}${peak.minutesOverSla > 0 ? `, ${peak.minutesOverSla} minute(s) over` : ''}`);
  } else {
    parts.push('no hour with demand in the window');
  }
  const observed = f.hours.map((h) => h.gpuUtilPct).filter((g): g is number => g !== null);
  const profiled = f.capacity.gpuUtilPct;
  if (observed.length === 0) parts.push(`GPU utilisation not observed${profiled === null ? '' : ` (profiled ${round1(profiled)}% at capacity)`}`);
  else parts.push(`GPU utilisation observed up to ${round1(Math.max(...observed))}% (hourly mean per GPU) against ${profiled === null ? 'none recorded by the profile' : `${round1(profiled)}% profiled at capacity`}`);
  return `evidence: ${parts.join('; ')}`;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
