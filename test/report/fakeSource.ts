import type { LiveEvent, LiveEventSource } from '../../src/server/report/liveRuns.js';

/** A stand-in for the run event bus: subscribe(listener) -> unsubscribe, events stamped with runId and atMs. */
export function fakeSource(runId: string): LiveEventSource & { publish(body: Record<string, unknown> & { type: string }, atMs: number): void } {
  const listeners = new Set<(e: LiveEvent) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(body, atMs) {
      for (const l of [...listeners]) l({ ...body, runId, atMs });
    },
  };
}

