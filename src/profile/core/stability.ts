/**
 * perf_analyzer's stability rule: keep measuring windows until the last few agree, within a bound
 * on tries, and say in words why a result is (or is not) stable, since an unstable figure is still
 * reported but must be read with care.
 */
export interface StabilityWindow {
  throughputRps: number;
  p95Ms: number;
}

export interface StabilityRule {
  /** Every value of the last `stableWindows` windows must be within this percent of their mean. */
  stabilityPct: number;
  stableWindows: number;
}

export interface StabilityAssessment {
  stable: boolean;
  note: string;
}

export function assessStability(windows: readonly StabilityWindow[], rule: StabilityRule): StabilityAssessment {
  const { stabilityPct, stableWindows } = rule;
  if (windows.length < stableWindows) {
    return {
      stable: false,
      note: `only ${windows.length} of the ${stableWindows} windows needed to judge stability`,
    };
  }
  const last = windows.slice(-stableWindows);
  const throughputPct = maxDeviationPct(last.map((w) => w.throughputRps));
  const p95Pct = maxDeviationPct(last.map((w) => w.p95Ms));
  const spread = `throughput ±${throughputPct.toFixed(1)}%, p95 latency ±${p95Pct.toFixed(1)}%`;
  if (throughputPct <= stabilityPct && p95Pct <= stabilityPct) {
    return { stable: true, note: `last ${stableWindows} windows within ${stabilityPct}% (${spread})` };
  }
  const varied: string[] = [];
  if (throughputPct > stabilityPct) varied.push(`throughput varied ${throughputPct.toFixed(1)}%`);
  if (p95Pct > stabilityPct) varied.push(`p95 latency varied ${p95Pct.toFixed(1)}%`);
  return {
    stable: false,
    note: `${varied.join(' and ')} from the mean of the last ${stableWindows} windows (limit ${stabilityPct}%)`,
  };
}

/** Largest distance of a value from the mean, in percent of the mean (0 when all are 0). */
function maxDeviationPct(values: readonly number[]): number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  if (mean === 0) return 0;
  return Math.max(...values.map((v) => (Math.abs(v - mean) / mean) * 100));
}

export type WindowsDecision = 'continue' | 'stable' | 'bound-reached';

export interface WindowsDecisionInput extends StabilityRule {
  windows: readonly StabilityWindow[];
  maxWindows: number;
  /** Time since the run started (warm-up included) and the hard bound on it. */
  elapsedMs: number;
  durationMs: number;
  /** Length of the next window: one that would end past durationMs is not started. */
  windowMs: number;
}

/** After each window: stop when stable, or when the window count or the time bound is reached. */
export function windowsDecision(input: WindowsDecisionInput): WindowsDecision {
  if (assessStability(input.windows, input).stable) return 'stable';
  if (input.windows.length >= input.maxWindows) return 'bound-reached';
  if (input.elapsedMs + input.windowMs > input.durationMs) return 'bound-reached';
  return 'continue';
}
