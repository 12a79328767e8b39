import { STAGE_NAMES } from '../../schema/profileSpec.js';
import type { StageTimings } from '../../serving/pipeline.js';
import { SERVER_TIMING_TOTAL, serverTimingEntries } from '../../schema/wire/serverTiming.js';

export { SERVER_TIMING_TOTAL };

/**
 * The standard `Server-Timing` response header (W3C Server Timing): the agent reports each
 * pipeline stage's duration and its own total, so a client (the profiler's HTTP transport, or a
 * browser's devtools) sees where the server spent a request without a side channel.
 *
 *   Server-Timing: deserialize;dur=0.021, configLoad;dur=0.004, ..., total;dur=12.300
 */

/**
 * Stages in pipeline order, then the agent's own steps outside the pipeline (`extraMs`: reading the
 * body, decoding a KServe JSON body, ...), then `total`; durations in ms with 3 decimals.
 */
export function formatServerTiming(stageMs: StageTimings, totalMs: number, extraMs: Readonly<Record<string, number>> = {}): string {
  const entries: string[] = [];
  for (const stage of STAGE_NAMES) {
    const ms = stageMs[stage];
    if (ms !== undefined && Number.isFinite(ms)) entries.push(`${stage};dur=${formatMs(ms)}`);
  }
  for (const [name, ms] of Object.entries(extraMs)) {
    if (Number.isFinite(ms)) entries.push(`${name};dur=${formatMs(ms)}`);
  }
  entries.push(`${SERVER_TIMING_TOTAL};dur=${formatMs(totalMs)}`);
  return entries.join(', ');
}

/** Clock differences can come out as -0.0000001; a header never says a stage took negative time. */
function formatMs(ms: number): string {
  return Math.max(0, ms).toFixed(3);
}

/** Name → duration (ms) of every entry with a duration (for tests and clients of the agent). */
export function parseServerTiming(header: string | null | undefined): Record<string, number> {
  return Object.fromEntries(serverTimingEntries(header));
}
