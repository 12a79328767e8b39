import type { z } from 'zod';
import { MeasurementSpec } from '../schema/profileSpec.js';

export type MeasurementInput = z.input<typeof MeasurementSpec>;

const DEFAULTS = MeasurementSpec.parse({});

/** Share of the time after the warm-up given to the windows: the rest is for the cold-start request and the drain. */
const WINDOW_SHARE = 0.9;
const MIN_WINDOW_S = 0.1;

/**
 * A short run bound (`--duration`) alone still gets a warm-up and `stableWindows` windows: the
 * warm-up and window lengths the user did not pin shrink to fit inside `durationS`, never growing
 * past the defaults. Lengths that already fit are kept.
 */
export function fitMeasurementToDuration(
  measurement: MeasurementInput,
  durationS: number,
  pinned: { warmupS?: boolean; windowS?: boolean } = {},
): MeasurementInput {
  const stableWindows = measurement.stableWindows ?? DEFAULTS.stableWindows;
  let warmupS = measurement.warmupS;
  if (!pinned.warmupS && (warmupS === undefined || warmupS + stableWindows * DEFAULTS.windowS > durationS)) {
    // A fifth of the run, in hundredths of a second.
    warmupS = Math.min(DEFAULTS.warmupS, Math.round(durationS * 20) / 100);
  }
  const effectiveWarmupS = warmupS ?? DEFAULTS.warmupS;
  let windowS = measurement.windowS;
  if (!pinned.windowS && (windowS === undefined || effectiveWarmupS + stableWindows * windowS > durationS)) {
    const fitS = ((durationS - effectiveWarmupS) * WINDOW_SHARE) / stableWindows;
    windowS = Math.min(DEFAULTS.windowS, Math.max(MIN_WINDOW_S, Math.floor(fitS * 100) / 100));
  }
  return { ...measurement, durationS, warmupS, windowS };
}
