import type { LoadModel } from '../../schema/loadModel.js';
import { exponential, seededRandom, type Random } from '../../util/random.js';
import { unreachable } from '../../util/unreachable.js';

/**
 * Plans an open load model's send times before anything runs (k6's ramping_arrival_rate: the
 * executor config is a pure plan whose offsets tests can assert). The executor only fires them.
 */
export type OpenLoadModel = Exclude<LoadModel, { kind: 'closed-loop' }>;

/** Intended send offsets in ms from the start of the run, ascending, all < durationMs. */
export function planArrivalsMs(load: OpenLoadModel, durationMs: number): Float64Array {
  const offsetsMs: number[] = [];
  switch (load.kind) {
    case 'constant-rate':
      uniform(offsetsMs, 0, durationMs, load.rps);
      break;
    case 'poisson':
      poisson(offsetsMs, 0, durationMs, load.rps, seededRandom(load.seed));
      break;
    case 'schedule': {
      // One generator for the whole run: a repeated step gets fresh Poisson arrivals, not a copy.
      const random = seededRandom(load.seed);
      const cycleMs = load.steps.reduce((sum, step) => sum + step.durationS * 1000, 0);
      for (let cycleStartMs = 0; cycleStartMs < durationMs; cycleStartMs += cycleMs) {
        let stepStartMs = cycleStartMs;
        for (const step of load.steps) {
          if (stepStartMs >= durationMs) break;
          const stepEndMs = Math.min(stepStartMs + step.durationS * 1000, durationMs);
          if (load.arrivals === 'poisson') poisson(offsetsMs, stepStartMs, stepEndMs, step.rps, random);
          else uniform(offsetsMs, stepStartMs, stepEndMs, step.rps);
          stepStartMs += step.durationS * 1000;
        }
      }
      break;
    }
    default:
      unreachable(load, 'load model');
  }
  return Float64Array.from(offsetsMs);
}

/** startMs + i * 1000/rps for every i that lands before endMs; nothing at 0 rps. */
function uniform(out: number[], startMs: number, endMs: number, rps: number): void {
  if (rps <= 0) return;
  // i * 1000 / rps (not i * intervalMs) keeps offsets exact for rates like 3 rps: 1000, 2000, ...
  for (let i = 0; ; i++) {
    const offsetMs = startMs + (i * 1000) / rps;
    if (offsetMs >= endMs) return;
    out.push(offsetMs);
  }
}

/**
 * A Poisson process on [startMs, endMs): exponential gaps at rps. Restarting at a step boundary is
 * exact because the process is memoryless.
 */
function poisson(out: number[], startMs: number, endMs: number, rps: number, random: Random): void {
  if (rps <= 0) return;
  const ratePerMs = rps / 1000;
  for (let t = startMs + exponential(random, ratePerMs); t < endMs; t += exponential(random, ratePerMs)) {
    out.push(t);
  }
}
