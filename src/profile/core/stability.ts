import type { LoadModel } from '../../schema/loadModel.js';

/**
 * When a run's windows are stable enough to report, per load model, and how long a window must be.
 *
 * Closed loop (perf_analyzer's rule): the last `stableWindows` windows agree on throughput and on
 * latency within stabilityPct of their mean. Clients wait for answers, so throughput is what the
 * server gives and should settle.
 *
 * Open loop: throughput is what the arrivals offer, and Poisson arrivals vary it by design (about
 * ±7% per 2 s window at 100 req/s), so window-to-window throughput says nothing about the server.
 * What does: whether it keeps up. Stable when, over the last `stableWindows` windows, (1) the
 * achieved rate is within stabilityPct of the offered rate, or within 3 Poisson standard
 * deviations of it when that is wider (an honest count over a short span cannot be closer),
 * (2) nothing was dropped, and (3) the latency at the judged percentile is not climbing (rising
 * window after window and the last more than stabilityPct above the first: a queue that grows).
 *
 * Every load: a window must hold at least MIN_WINDOW_REQUESTS completed requests and last at least
 * MIN_WINDOW_LATENCIES x its latency percentile (perf_analyzer's count windows), so that a 2 s
 * latency is never judged by a 2 s window. nextWindowMs() says how long the next window should be.
 */

export const MIN_WINDOW_REQUESTS = 50;

/**
 * Above this share of failed requests a run is no capacity measurement: never stable, never
 * meeting an SLA. A request that fails fast frees the server for the next one, so throughput
 * counted around failures overstates what the server carries when every request is served.
 */
export const MAX_FAILED_FRACTION = 0.01;

/** "372 of 743 requests failed (over 1%)" when failures disqualify a run; undefined when they do not. */
export function tooManyFailed(requests: { completed: number; failed: number }): string | undefined {
  const attempted = requests.completed + requests.failed;
  if (!(requests.failed > attempted * MAX_FAILED_FRACTION)) return undefined;
  return `${requests.failed} of ${attempted} requests failed (over ${MAX_FAILED_FRACTION * 100}%)`;
}
export const MIN_WINDOW_LATENCIES = 10;

export type StabilityLoad = { kind: 'closed' } | { kind: 'open'; offeredRps: number };

export interface StabilityWindow {
  throughputRps: number;
  /** The latency percentile judged: the SLA's when there is one, else p95. */
  latencyMs: number;
  completed: number;
  durationMs: number;
  dropped: number;
}

export interface StabilityRule {
  /** Closed loop: every value of the last `stableWindows` windows within this percent of their mean. */
  stabilityPct: number;
  stableWindows: number;
  load: StabilityLoad;
}

export interface StabilityAssessment {
  stable: boolean;
  note: string;
}

export function assessStability(windows: readonly StabilityWindow[], rule: StabilityRule): StabilityAssessment {
  const { stableWindows } = rule;
  if (windows.length < stableWindows) {
    return { stable: false, note: `only ${windows.length} of the ${stableWindows} windows needed to judge stability` };
  }
  const last = windows.slice(-stableWindows);
  const short = last.map(windowTooShort).find((why) => why !== undefined);
  const verdict = rule.load.kind === 'open' ? assessOpen(last, rule, rule.load.offeredRps) : assessClosed(last, rule);
  if (short && verdict.stable) return { stable: false, note: `${short}; ${verdict.note}` };
  if (short) return { stable: false, note: `${verdict.note}; ${short}` };
  return verdict;
}

/** Why a window is too short to judge, or undefined when it is long enough. */
export function windowTooShort(w: StabilityWindow): string | undefined {
  if (w.completed < MIN_WINDOW_REQUESTS) return `a window held ${w.completed} completed requests (at least ${MIN_WINDOW_REQUESTS} needed)`;
  if (w.durationMs < MIN_WINDOW_LATENCIES * w.latencyMs) {
    return `a ${(w.durationMs / 1000).toFixed(1)} s window is under ${MIN_WINDOW_LATENCIES} x its ${w.latencyMs.toFixed(0)} ms latency`;
  }
  return undefined;
}

/**
 * How long the next window should be: the configured length, stretched to hold MIN_WINDOW_REQUESTS
 * at the last window's throughput (or the offered rate) and MIN_WINDOW_LATENCIES x its latency.
 */
export function nextWindowMs(configuredMs: number, last: StabilityWindow | undefined, load: StabilityLoad): number {
  if (!last) return configuredMs;
  const rateRps = load.kind === 'open' ? Math.min(load.offeredRps, last.throughputRps || load.offeredRps) : last.throughputRps;
  const forRequestsMs = rateRps > 0 ? (MIN_WINDOW_REQUESTS * 1000) / rateRps : configuredMs;
  return Math.max(configuredMs, forRequestsMs, MIN_WINDOW_LATENCIES * last.latencyMs);
}

function assessClosed(last: readonly StabilityWindow[], rule: StabilityRule): StabilityAssessment {
  const { stabilityPct, stableWindows } = rule;
  const throughputPct = maxDeviationPct(last.map((w) => w.throughputRps));
  const latencyPct = maxDeviationPct(last.map((w) => w.latencyMs));
  const spread = `throughput ±${throughputPct.toFixed(1)}%, latency ±${latencyPct.toFixed(1)}%`;
  if (throughputPct <= stabilityPct && latencyPct <= stabilityPct) {
    return { stable: true, note: `last ${stableWindows} windows within ${stabilityPct}% (${spread})` };
  }
  const varied: string[] = [];
  if (throughputPct > stabilityPct) varied.push(`throughput varied ${throughputPct.toFixed(1)}%`);
  if (latencyPct > stabilityPct) varied.push(`latency varied ${latencyPct.toFixed(1)}%`);
  return { stable: false, note: `${varied.join(' and ')} from the mean of the last ${stableWindows} windows (limit ${stabilityPct}%)` };
}

function assessOpen(last: readonly StabilityWindow[], rule: StabilityRule, offeredRps: number): StabilityAssessment {
  const { stabilityPct, stableWindows } = rule;
  const spanS = last.reduce((t, w) => t + w.durationMs, 0) / 1000;
  const completed = last.reduce((n, w) => n + w.completed, 0);
  const dropped = last.reduce((n, w) => n + w.dropped, 0);
  const achievedRps = spanS > 0 ? completed / spanS : 0;
  const expected = offeredRps * spanS;
  // A Poisson count over the span has standard deviation sqrt(expected).
  const tolerancePct = Math.max(stabilityPct, expected > 0 ? (300 * Math.sqrt(expected)) / expected : 100);
  const offPct = offeredRps > 0 ? ((achievedRps - offeredRps) / offeredRps) * 100 : 0;
  const latencies = last.map((w) => w.latencyMs);
  const rising = latencies.every((ms, i) => i === 0 || ms > latencies[i - 1]!);
  const climbPct = latencies[0]! > 0 ? ((latencies[latencies.length - 1]! - latencies[0]!) / latencies[0]!) * 100 : 0;
  const climbing = rising && climbPct > stabilityPct;
  const figures = `achieved ${achievedRps.toFixed(1)} of ${offeredRps} req/s offered (${offPct >= 0 ? '+' : ''}${offPct.toFixed(1)}%, limit ±${tolerancePct.toFixed(1)}%)`;
  const problems: string[] = [];
  if (Math.abs(offPct) > tolerancePct) problems.push(figures);
  if (dropped > 0) problems.push(`${dropped} arrivals dropped`);
  if (climbing) problems.push(`latency climbed ${climbPct.toFixed(1)}% window after window (a growing queue)`);
  if (problems.length === 0) {
    return { stable: true, note: `last ${stableWindows} windows keep up: ${figures}, latency not climbing` };
  }
  return { stable: false, note: `over the last ${stableWindows} windows: ${problems.join('; ')}` };
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

/** The stability rule's view of a load model: a schedule is judged against its mean offered rate. */
export function stabilityLoadOf(load: LoadModel): StabilityLoad {
  switch (load.kind) {
    case 'closed-loop':
      return { kind: 'closed' };
    case 'constant-rate':
    case 'poisson':
      return { kind: 'open', offeredRps: load.rps };
    case 'schedule': {
      const totalS = load.steps.reduce((t, s) => t + s.durationS, 0);
      return { kind: 'open', offeredRps: load.steps.reduce((r, s) => r + s.rps * s.durationS, 0) / totalS };
    }
  }
}
