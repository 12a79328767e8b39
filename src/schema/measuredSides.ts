import type { ProfileResult } from './profileResult.js';

/**
 * Which figures of a profile document a comparison tests: the windows its headline figures came
 * from (the last stableWindows when it stabilised, else all of them). Read alike by the terminal
 * (profile --compare, the demo, plan) and the report's compare page. Types only: no zod here, so
 * the browser bundle can import it.
 */
export interface DocumentSide {
  name: string;
  samples: number[];
  /** The headline figure; null when the document does not have it (a stage it does not run). */
  value: number | null;
  stable: boolean;
}

type Window = ProfileResult['measurement']['windows'][number];

function usedWindows(result: ProfileResult): Window[] {
  const windows = result.measurement.windows;
  return result.measurement.stable && result.spec ? windows.slice(-result.spec.measurement.stableWindows) : windows;
}

function isStable(result: ProfileResult): boolean {
  return result.provenance.kind !== 'measured' || result.measurement.stable;
}

/** A profile's per-window throughputs and its whole-run throughput. */
export function measuredSide(result: ProfileResult): DocumentSide & { value: number } {
  return { name: result.name, samples: usedWindows(result).map((w) => w.throughputRps), value: result.throughputRps, stable: isStable(result) };
}

/** A profile's per-window p95 latencies and its whole-run p95. */
export function p95Side(result: ProfileResult): DocumentSide {
  return { name: result.name, samples: usedWindows(result).map((w) => w.latency.p95Ms), value: result.latency.endToEnd.p95Ms, stable: isStable(result) };
}

/** One stage's per-window means (where the document records stages per window) and its whole-run mean; null when the run has no such stage. */
export function stageSide(result: ProfileResult, stage: string): DocumentSide {
  const whole = result.stages.find((s) => s.name === stage && s.count > 0);
  const samples = whole ? usedWindows(result).flatMap((w) => w.stages?.filter((s) => s.name === stage).map((s) => s.meanMs) ?? []) : [];
  return { name: result.name, samples, value: whole ? whole.meanMs : null, stable: isStable(result) };
}
