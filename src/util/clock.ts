/**
 * The one notion of time the measurement core uses. Batcher and load executor take a Clock instead
 * of calling performance.now/setTimeout themselves, so tests can drive time exactly: either vitest's
 * fake timers under `realClock` (whole milliseconds: fake timers, like Node's, round delays to ms),
 * or a ManualClock when sub-millisecond deadlines matter (Triton's max_queue_delay_microseconds).
 */
export interface Clock {
  /** Monotonic milliseconds; only differences are meaningful. */
  nowMs(): number;
  setTimeout(fn: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * performance.now and the global timers, looked up at call time (not captured at import) so that
 * vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }) replaces them.
 */
export const realClock: Clock = {
  nowMs: () => performance.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const MAX_TIMERS_PER_ADVANCE = 1_000_000;

interface ManualTimer {
  atMs: number;
  fn: () => void;
}

/**
 * A clock that moves only when told, with exact fractional-millisecond timers. Timers due by the
 * target time fire in order of due time (then of creation), each seeing nowMs() equal to its own
 * due time, and timers they schedule fire too if due before the target.
 */
export class ManualClock implements Clock {
  private now: number;
  private nextId = 1;
  private readonly timers = new Map<number, ManualTimer>();

  constructor(startMs = 0) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  setTimeout(fn: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { atMs: this.now + Math.max(0, delayMs), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers scheduled and not yet fired or cleared. */
  pendingTimers(): number {
    return this.timers.size;
  }

  advanceMs(ms: number): void {
    const targetMs = this.now + ms;
    // A timer that keeps re-arming itself at the same instant would spin forever (a sync loop that
    // no test timeout can stop): fail loudly instead.
    for (let fired = 0; ; fired++) {
      if (fired === MAX_TIMERS_PER_ADVANCE) throw new Error('ManualClock: timers keep re-arming without time passing');
      let dueId: number | undefined;
      let due: ManualTimer | undefined;
      // Map iteration is in insertion (= creation) order, so `<` keeps the earliest-created on ties.
      for (const [id, timer] of this.timers) {
        if (timer.atMs <= targetMs && (due === undefined || timer.atMs < due.atMs)) {
          dueId = id;
          due = timer;
        }
      }
      if (dueId === undefined || due === undefined) break;
      this.timers.delete(dueId);
      this.now = due.atMs;
      due.fn();
    }
    this.now = targetMs;
  }

  /** Advances to an absolute time (convenient when tests list events by their time). */
  advanceToMs(atMs: number): void {
    this.advanceMs(Math.max(0, atMs - this.now));
  }
}
