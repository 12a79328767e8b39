import type { BatchingSpec } from '../schema/profileSpec.js';
import { decideBatch, fullBatchSize } from './batchPolicy.js';
import type { Clock } from '../util/clock.js';

/**
 * A dynamic batcher in front of a pool of model instances (Triton's dynamic batcher, TorchServe's
 * batch aggregator). Requests queue; a batch is formed only when an instance is free, so while all
 * instances are busy the queue grows and the next batch is bigger, as in Triton. The rule of when
 * to form a batch is decideBatch's; this class only keeps the queue and one timer for its deadline.
 */
export interface DynamicBatcherOptions<T> {
  policy: BatchingSpec;
  clock: Clock;
  /** Whether an instance is idle and could start a batch now. */
  hasFreeInstance: () => boolean;
  /**
   * Whether a busy instance has room to queue one more batch behind the one it runs. Only a full
   * batch (the policy's largest) goes there: it cannot grow by waiting, so sending it ahead costs
   * nothing and lets its hand-over overlap the running batch. Anything smaller still waits for an
   * idle instance and keeps growing meanwhile, as in Triton. Absent: never.
   */
  canQueueFullBatch?: () => boolean;
  /**
   * Hands a batch to an instance. It must mark that instance busy before returning (the batcher
   * asks hasFreeInstance again right away, to fill further free instances). formedAtMs is
   * clock.nowMs() when the batch was formed.
   */
  dispatch: (items: T[], formedAtMs: number) => void;
}

export class DynamicBatcher<T> {
  private readonly items: T[] = [];
  private readonly queuedAtMs: number[] = [];
  private timer: unknown = null;
  private timerUntilMs = 0;
  private evaluating = false;
  private closed = false;

  constructor(private readonly options: DynamicBatcherOptions<T>) {}

  enqueue(item: T): void {
    if (this.closed) throw new Error('DynamicBatcher: enqueue after close');
    const nowMs = this.options.clock.nowMs();
    this.items.push(item);
    this.queuedAtMs.push(nowMs);
    this.evaluate(nowMs);
  }

  /** An instance became free: form the next batch if one is due. */
  poke(): void {
    if (!this.closed) this.evaluate(this.options.clock.nowMs());
  }

  pending(): number {
    return this.items.length;
  }

  /** Removes and returns everything still queued (on shutdown), oldest first. */
  drain(): T[] {
    this.clearTimer();
    this.queuedAtMs.length = 0;
    return this.items.splice(0, this.items.length);
  }

  /** Stops the timer; later enqueues throw and pokes do nothing. Call drain() for what is left. */
  close(): void {
    this.closed = true;
    this.clearTimer();
  }

  /** nowMs: the time to decide at (for a fired deadline timer, at least that deadline). */
  private evaluate(nowMs: number): void {
    // dispatch() may call enqueue/poke synchronously; the loop below already re-checks after each
    // batch, so a nested call only has to leave its item in the queue.
    if (this.evaluating) return;
    this.evaluating = true;
    try {
      this.clearTimer();
      const full = fullBatchSize(this.options.policy);
      while (this.items.length > 0) {
        if (!this.options.hasFreeInstance()) {
          // All instances busy: only a full batch may queue behind a running one.
          if (this.items.length < full || !this.options.canQueueFullBatch?.()) break;
          this.queuedAtMs.splice(0, full);
          this.options.dispatch(this.items.splice(0, full), this.options.clock.nowMs());
          continue;
        }
        const decision = decideBatch(this.options.policy, this.queuedAtMs, nowMs);
        if (decision.kind === 'wait') {
          if (decision.untilMs !== null) this.setTimer(decision.untilMs, nowMs);
          return;
        }
        this.queuedAtMs.splice(0, decision.size);
        nowMs = this.options.clock.nowMs();
        this.options.dispatch(this.items.splice(0, decision.size), nowMs);
      }
      // No free instance (or an empty queue): no timer, the next poke or enqueue re-evaluates.
    } finally {
      this.evaluating = false;
    }
  }

  private setTimer(untilMs: number, nowMs: number): void {
    this.timerUntilMs = untilMs;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      // The timer was set for this deadline, so decide as if it was reached even if the clock reads
      // a little earlier: Node's and vitest's timers work in whole ms and may fire up to 1 ms early
      // for a fractional delay; waiting again would add a whole extra ms.
      if (!this.closed) this.evaluate(Math.max(this.options.clock.nowMs(), this.timerUntilMs));
    }, untilMs - nowMs);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
