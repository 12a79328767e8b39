import type { MeasurementWindow, ProfileResult } from '../schema/profileResult.js';
import type { Sla } from '../schema/sla.js';
import type { CurvePoint } from '../schema/sweepResult.js';
import type { VerificationTrial } from '../schema/verification.js';
import type { Clock } from '../util/clock.js';
import type { ExitCodeName } from '../util/errors.js';
import { createListeners } from '../util/listeners.js';

/**
 * The typed event bus a run publishes on: profile runs (phases, windows, a once-a-second tick,
 * warnings, done/failed) and sweeps (sweep-start, skipped configurations, probes, the capacity
 * search's steps, point-start/point-done around each point's profile run) and verifications
 * (verify-start, trial-start/trial-done around each trial's profile run).
 * Any number of subscribers (the CLI's progress bar, a live web view, tests). Pure: no I/O.
 *
 * Every event is a plain JSON value (no Maps, Dates or functions), so a server can stream it as
 * is and replay it to a late joiner (see createEventHistory).
 */

export type RunPhase = 'model' | 'corpus' | 'engine' | 'cold-start' | 'warmup' | 'measure' | 'drain' | 'done';

/** What a publisher says; the bus adds runId and atMs. */
export type RunEventBody =
  | { type: 'phase'; phase: RunPhase; message: string }
  /** After each window: the run's time and the measured windows' counts so far. */
  | { type: 'progress'; elapsedMs: number; totalMs: number; completed: number; failed: number; dropped: number }
  /** A measurement window closed (window.stages and window.batchSizeCounts where known). */
  | { type: 'window'; window: MeasurementWindow; stable: boolean; note: string }
  /**
   * About once a second while the load runs (warm-up included). Counts are every request of the
   * load so far, warm-up included; elapsedMs is since the load started; throughputRps is over the
   * last few seconds.
   */
  | { type: 'tick'; elapsedMs: number; completed: number; failed: number; dropped: number; throughputRps: number }
  | { type: 'warning'; message: string }
  | { type: 'done'; result: ProfileResult }
  /** errorName: the error's class (MeasurementError, ...); exitCode: the process exit code's name. */
  | { type: 'failed'; message: string; errorName: string; exitCode: ExitCodeName }
  /** A sweep begins: what it measures, and the finished points its checkpoint already holds. */
  | { type: 'sweep-start'; description: string; resumedPoints: number; checkpointPath: string }
  /** A configuration of the cross product the sweep leaves out, with why (e.g. an invalid pair). */
  | { type: 'configuration-skipped'; configuration: string; reason: string }
  /** An rps search's one-client probe finished: the search starts from its throughput. */
  | { type: 'probe-done'; configuration: string; point: CurvePoint; replayed: boolean }
  /** A capacity search chose its next rate, and why (or measures a rate again, and why). */
  | { type: 'search-step'; configuration: string; rateRps: number; why: string }
  /** A verification begins: the candidate, its rate and what it is judged against. */
  | { type: 'verify-start'; candidate: string; trials: number; durationS: number; rateRps: number; rateFrom: 'capacity' | 'perInstanceRps'; utilization: number; sla: Sla }
  /** A trial is about to run: one profile run follows on the bus (trial: 0-based). */
  | { type: 'trial-start'; trial: number; of: number }
  /** A trial finished: its own figures (the verdict pools every trial's). */
  | { type: 'trial-done'; trial: number; of: number; figures: VerificationTrial }
  /** A point is about to be measured: one profile run follows on the bus (repeat: 0-based; probe: the rps search's probe). */
  | { type: 'point-start'; configuration: string; offered: OfferedLoad; repeat: number; probe?: true }
  | { type: 'point-done'; configuration: string; offered: OfferedLoad; point: CurvePoint; replayed: boolean };

export interface OfferedLoad {
  kind: 'concurrency' | 'rps';
  value: number;
}

export type RunEventType = RunEventBody['type'];

/** runId: which run; atMs: the run's clock (Clock.nowMs()) relative to the bus's start. */
export type RunEvent = RunEventBody & { runId: string; atMs: number };

export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

export type RunEventListener = (event: RunEvent) => void;

export interface RunEventBus {
  readonly runId: string;
  /** Calls listener with every event published from now on; returns the unsubscribe function. */
  subscribe(listener: RunEventListener): () => void;
  /** Stamps runId and atMs, delivers to every subscriber in subscription order, returns the event. */
  publish(body: RunEventBody): RunEvent;
  /** The run's clock, relative to the start (what atMs is). */
  elapsedMs(): number;
}

export interface RunEventBusOptions {
  runId: string;
  clock: Clock;
  /** Clock.nowMs() at the run's start; default: when the bus is created. */
  startMs?: number;
}

/**
 * A subscriber that throws stops the publisher (the run fails): subscribers that do I/O (a
 * server's streams) must catch their own errors.
 */
export function createRunEventBus(options: RunEventBusOptions): RunEventBus {
  const { runId, clock } = options;
  const startMs = options.startMs ?? clock.nowMs();
  const listeners = createListeners<RunEvent>();
  return {
    runId,
    subscribe: (listener) => listeners.add(listener),
    publish(body) {
      const event: RunEvent = { ...body, runId, atMs: clock.nowMs() - startMs };
      listeners.emit(event);
      return event;
    },
    elapsedMs: () => clock.nowMs() - startMs,
  };
}

export interface EventHistory {
  /** The events kept, oldest first (at most `limit`; with `keep`, always those of that type too). */
  events(): RunEvent[];
  /**
   * For a late joiner: calls listener with the events kept, then with every new one; returns the
   * unsubscribe function. Nothing is lost or repeated between the two (publish is synchronous).
   */
  replay(listener: RunEventListener): () => void;
  /** Stops recording. */
  close(): void;
}

export interface EventHistoryOptions {
  /** Most recent events kept; default 1000. */
  limit?: number;
  /**
   * Types always kept whatever the limit (e.g. 'phase', 'window', 'point-done', 'done': what a late
   * joiner needs to draw the run so far, while ticks roll over). Default: none.
   */
  keep?: readonly RunEventType[];
}

/** A bounded record of a bus's events, for replaying to subscribers that join late. */
export function createEventHistory(bus: RunEventBus, options: EventHistoryOptions = {}): EventHistory {
  const limit = options.limit ?? 1000;
  const keep = new Set<RunEventType>(options.keep ?? []);
  const kept: RunEvent[] = [];
  let rolling = 0;
  const live = createListeners<RunEvent>();
  const unsubscribe = bus.subscribe((event) => {
    kept.push(event);
    if (!keep.has(event.type)) rolling += 1;
    if (rolling > limit) {
      // Drop the oldest event that is not of a kept type.
      const index = kept.findIndex((e) => !keep.has(e.type));
      kept.splice(index, 1);
      rolling -= 1;
    }
    live.emit(event);
  });
  return {
    events: () => [...kept],
    replay(listener) {
      for (const event of [...kept]) listener(event);
      return live.add(listener);
    },
    close: unsubscribe,
  };
}
