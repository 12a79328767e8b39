/**
 * The live page's state, folded from the run's events in id order. Pure: the same events give the
 * same state, whether they arrive live, replayed after a reload, or after a reconnect (an id at or
 * below the last one seen is a duplicate and changes nothing).
 */

import type { ProfileResult, ReportDocument, Sla, SweepResult } from './types.js';

export const PHASES = ['model', 'corpus', 'engine', 'cold-start', 'warmup', 'measure', 'drain', 'done'];

type Window = ProfileResult['measurement']['windows'][number];
type CurvePoint = SweepResult['configurations'][number]['points'][number];
type Offered = CurvePoint['offered'];

/**
 * The events the live page receives over SSE (src/server/report/liveRuns.ts: the run's bus events,
 * plus `hello` and `report`). Only the fields the page reads.
 */
export type LiveWireEvent = { atMs?: number } & (
  | { type: 'hello'; kind: string; name: string; sla?: Sla | null }
  | { type: 'phase'; phase: string; message: string; atMs: number }
  | { type: 'progress'; elapsedMs: number; totalMs: number; completed: number; failed: number; dropped: number }
  | { type: 'tick'; completed: number; failed: number; dropped: number; throughputRps: number }
  | { type: 'window'; window: Window; stable: boolean; note: string }
  | { type: 'warning'; message: string }
  | { type: 'point-start'; configuration: string; offered: Offered }
  | { type: 'point-done'; configuration: string; point: CurvePoint }
  | { type: 'configuration-skipped'; configuration: string; reason: string }
  | { type: 'probe-done'; configuration: string; point: CurvePoint }
  | { type: 'search-step'; configuration: string; rateRps: number; why: string }
  | { type: 'failed'; message: string }
  | { type: 'report'; documents: { id: string; document: ReportDocument }[] }
  | { type: 'done' }
);

export interface LiveState {
  lastId: number;
  kind: string | null;
  name: string | null;
  sla: Sla | null;
  phase: string | null;
  phases: { phase: string; atMs: number; message: string }[];
  progress: { elapsedMs: number; totalMs: number } | null;
  counters: { completed: number; failed: number; dropped: number; throughputRps: number | null };
  windows: Window[];
  stability: { stable: boolean; note: string } | null;
  points: { configuration: string; point: CurvePoint }[];
  running: { configuration: string; offered: Offered } | null;
  /** A sweep's configurations left out, and why. */
  skipped: { configuration: string; reason: string }[];
  /** Each rps search's one-client probe: where its search starts. */
  probes: { configuration: string; point: CurvePoint }[];
  /** The capacity search's latest step: the rate it chose and why. */
  step: { configuration: string; rateRps: number; why: string } | null;
  warnings: string[];
  failed: string | null;
  documents: { id: string; document: ReportDocument }[] | null;
  atMs: number;
}

export function initialLiveState(): LiveState {
  return {
    lastId: 0,
    kind: null,
    name: null,
    sla: null,
    phase: null,
    phases: [],
    progress: null,
    counters: { completed: 0, failed: 0, dropped: 0, throughputRps: null },
    windows: [],
    stability: null,
    points: [],
    running: null,
    skipped: [],
    probes: [],
    step: null,
    warnings: [],
    failed: null,
    documents: null,
    atMs: 0,
  };
}

/** Applies one event; returns the (same, updated) state. */
export function reduceLive(state: LiveState, id: number, event: LiveWireEvent): LiveState {
  if (!(id > state.lastId)) return state;
  state.lastId = id;
  state.atMs = Math.max(state.atMs, event.atMs ?? 0);
  switch (event.type) {
    case 'hello':
      state.kind = event.kind;
      state.name = event.name;
      state.sla = event.sla ?? null;
      break;
    case 'phase':
      state.phase = event.phase;
      state.phases.push({ phase: event.phase, atMs: event.atMs, message: event.message });
      break;
    case 'progress':
      state.progress = { elapsedMs: event.elapsedMs, totalMs: event.totalMs };
      state.counters = { ...state.counters, completed: event.completed, failed: event.failed, dropped: event.dropped };
      break;
    case 'tick':
      state.counters = { completed: event.completed, failed: event.failed, dropped: event.dropped, throughputRps: event.throughputRps };
      break;
    case 'window':
      // A sweep runs one profile per point: each point's windows start again at index 0.
      if (event.window.index === 0) state.windows = [];
      state.windows.push(event.window);
      state.stability = { stable: event.stable, note: event.note };
      break;
    case 'warning':
      state.warnings.push(event.message);
      break;
    case 'point-start':
      // Each point is a profile run of its own: its phases and progress start again.
      state.running = { configuration: event.configuration, offered: event.offered };
      state.phases = [];
      state.phase = null;
      state.progress = null;
      break;
    case 'point-done':
      state.points.push({ configuration: event.configuration, point: event.point });
      state.running = null;
      break;
    case 'configuration-skipped':
      state.skipped.push({ configuration: event.configuration, reason: event.reason });
      break;
    case 'probe-done':
      state.probes.push({ configuration: event.configuration, point: event.point });
      state.running = null;
      break;
    case 'search-step':
      state.step = { configuration: event.configuration, rateRps: event.rateRps, why: event.why };
      break;
    case 'failed':
      state.failed = event.message;
      break;
    case 'report':
      state.documents = event.documents;
      break;
    default:
      break;
  }
  return state;
}

/** Progress as a share and the time left, on the run's clock; null before the first progress. */
export function progressOf(state: LiveState): { pct: number; etaS: number } | null {
  const p = state.progress;
  if (!p || !(p.totalMs > 0)) return null;
  const share = Math.min(1, p.elapsedMs / p.totalMs);
  return { pct: Math.round(share * 1000) / 10, etaS: Math.max(0, Math.round((p.totalMs - p.elapsedMs) / 1000)) };
}

/** The phase timeline: every phase with done / current / pending. */
export function timeline(state: LiveState): { phase: string; status: 'done' | 'current' | 'pending'; atMs: number | null }[] {
  const seen = new Set(state.phases.map((p) => p.phase));
  return PHASES.map((phase) => ({
    phase,
    status: phase === state.phase ? (phase === 'done' ? 'done' : 'current') : seen.has(phase) ? 'done' : 'pending',
    atMs: state.phases.filter((p) => p.phase === phase).at(-1)?.atMs ?? null,
  }));
}
