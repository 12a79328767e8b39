import { STAGE_NAMES, type StageName } from '../../schema/profileSpec.js';
import type { StageTimings } from '../../serving/pipeline.js';
import { SERVER_TIMING_TOTAL, serverTimingEntries } from '../../schema/wire/serverTiming.js';

/**
 * Reads a `Server-Timing` response header into pipeline stage times. Our agent sends
 * `deserialize;dur=0.021, ..., total;dur=12.300`; the header's grammar (and what other servers
 * send) is handled by serverTimingEntries.
 */
export interface ServerTiming {
  stageMs: StageTimings;
  /** The server's own time for the whole request (`total`), when it says. */
  totalMs?: number;
}

/**
 * `network` is what the client computes (its latency minus the server's total); a server has no
 * way to know it, so an entry by that name is ignored rather than trusted.
 */
const SERVER_STAGES: ReadonlySet<string> = new Set(STAGE_NAMES.filter((s) => s !== 'network'));

export function parseServerTiming(header: string | string[] | null | undefined): ServerTiming {
  const timing: ServerTiming = { stageMs: {} };
  for (const [name, durMs] of serverTimingEntries(header)) {
    if (name === SERVER_TIMING_TOTAL) timing.totalMs = durMs;
    else if (SERVER_STAGES.has(name)) timing.stageMs[name as StageName] = durMs;
  }
  return timing;
}
