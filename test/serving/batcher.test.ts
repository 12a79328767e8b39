import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamicBatcher } from '../../src/serving/batcher.js';
import { ManualClock, realClock, type Clock } from '../../src/util/clock.js';
import type { BatchingSpec } from '../../src/schema/profileSpec.js';

interface Req {
  id: string;
  queuedAtMs: number;
}
interface Batch {
  ids: string[];
  formedAtMs: number;
  /** How long the oldest request of the batch waited. */
  oldestWaitMs: number;
}

/** A pool of `instances` model instances; a dispatched batch holds one until release(). */
function setup(policy: BatchingSpec, clock: Clock, instances: number) {
  let free = instances;
  const batches: Batch[] = [];
  const batcher = new DynamicBatcher<Req>({
    policy,
    clock,
    hasFreeInstance: () => free > 0,
    dispatch: (items, formedAtMs) => {
      free--;
      batches.push({ ids: items.map((r) => r.id), formedAtMs, oldestWaitMs: formedAtMs - items[0]!.queuedAtMs });
    },
  });
  return {
    batcher,
    batches,
    enqueue: (...ids: string[]) => ids.forEach((id) => batcher.enqueue({ id, queuedAtMs: clock.nowMs() })),
    setFree: (n: number) => (free = n),
    release: () => {
      free++;
      batcher.poke();
    },
  };
}

const triton: BatchingSpec = { policy: 'triton', maxBatchSize: 16, preferredBatchSizes: [4, 8, 16], maxQueueDelayUs: 1000 };
const ids = (n: number, prefix = 'r'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('DynamicBatcher, triton (exact sub-ms times on a ManualClock)', () => {
  it('sends 3 requests from t=0, 0.2, 0.4 ms as one batch at t = 0 + 1000 µs = 1.0 ms, with one timer', () => {
    const clock = new ManualClock();
    const t = setup(triton, clock, 1);
    t.enqueue('a');
    clock.advanceToMs(0.2);
    t.enqueue('b');
    clock.advanceToMs(0.4);
    t.enqueue('c');
    // Each enqueue re-arms the single deadline timer (for the oldest, still 1.0) rather than adding one.
    expect(clock.pendingTimers()).toBe(1);
    clock.advanceToMs(0.999);
    expect(t.batches).toEqual([]);
    clock.advanceToMs(5);
    expect(t.batches).toEqual([{ ids: ['a', 'b', 'c'], formedAtMs: 1, oldestWaitMs: 1 }]);
    expect(clock.pendingTimers()).toBe(0);
    expect(t.batcher.pending()).toBe(0);
  });

  it('sends 4 requests arriving together at once as a preferred batch of 4 at t=0', () => {
    const clock = new ManualClock();
    const t = setup(triton, clock, 1);
    t.enqueue('a', 'b', 'c');
    expect(t.batches).toEqual([]);
    t.enqueue('d');
    expect(t.batches).toEqual([{ ids: ['a', 'b', 'c', 'd'], formedAtMs: 0, oldestWaitMs: 0 }]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('forms bigger batches while no instance is free: 11 queued, 2 free at 0.5 → 8 at 0.5, then 3 at 1.0', () => {
    const clock = new ManualClock();
    const t = setup(triton, clock, 0);
    t.enqueue(...ids(11));
    // Busy: nothing is formed and no timer is armed (the poke re-evaluates).
    expect(t.batches).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
    clock.advanceToMs(0.5);
    t.setFree(2);
    t.batcher.poke();
    // 11 >= preferred 8 → 8 at once. The 3 left were queued at 0: not preferred, deadline 0 + 1 = 1.0.
    expect(t.batches).toEqual([{ ids: ids(11).slice(0, 8), formedAtMs: 0.5, oldestWaitMs: 0.5 }]);
    expect(t.batcher.pending()).toBe(3);
    clock.advanceToMs(3);
    expect(t.batches[1]).toEqual({ ids: ['r8', 'r9', 'r10'], formedAtMs: 1, oldestWaitMs: 1 });
  });

  it('with one instance, the 3 left over wait for it: released at 5.0 → batch of 3 at 5.0 (deadline long past)', () => {
    const clock = new ManualClock();
    const t = setup(triton, clock, 0);
    t.enqueue(...ids(11));
    clock.advanceToMs(0.5);
    t.setFree(1);
    t.batcher.poke();
    expect(t.batches.map((b) => b.ids.length)).toEqual([8]);
    expect(clock.pendingTimers()).toBe(0);
    clock.advanceToMs(5);
    expect(t.batches.length).toBe(1);
    t.release();
    expect(t.batches[1]).toEqual({ ids: ['r8', 'r9', 'r10'], formedAtMs: 5, oldestWaitMs: 5 });
  });

  it('fills several free instances in one evaluation: 20 queued, 3 free → 16 then 4 (preferred), nothing left', () => {
    const clock = new ManualClock();
    const t = setup(triton, clock, 0);
    t.enqueue(...ids(20));
    t.setFree(3);
    t.batcher.poke();
    expect(t.batches.map((b) => b.ids.length)).toEqual([16, 4]);
    expect(t.batcher.pending()).toBe(0);
  });

  it('a deadline at 0.4 + 1 = 1.4 ms (where 1.4 - 0.4 < 1 in doubles) still dispatches at 1.4', () => {
    const clock = new ManualClock(0.4);
    const t = setup(triton, clock, 1);
    t.enqueue('a');
    clock.advanceToMs(2);
    expect(t.batches).toEqual([{ ids: ['a'], formedAtMs: 1.4, oldestWaitMs: 1.4 - 0.4 }]);
  });
});

describe('DynamicBatcher on realClock under vitest fake timers (whole ms)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const fake = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });

  it('torchserve batch 8, no delay: 7 requests over 0..300 ms wait until the 8th at 400 ms; the oldest waited 400 ms', () => {
    fake();
    const t0 = realClock.nowMs();
    const t = setup({ policy: 'torchserve', batchSize: 8, maxBatchDelayMs: null }, realClock, 1);
    for (let i = 0; i < 7; i++) {
      t.enqueue(`r${i}`); // at 0, 50, ..., 300
      vi.advanceTimersByTime(50);
    }
    vi.advanceTimersByTime(49); // now t0 + 399
    expect(t.batches).toEqual([]);
    // No deadline exists, so no timer either: only an arrival can form the batch.
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1);
    t.enqueue('r7');
    expect(t.batches.length).toBe(1);
    expect(t.batches[0]!.ids).toEqual(ids(8));
    expect(t.batches[0]!.formedAtMs - t0).toBe(400);
    expect(t.batches[0]!.oldestWaitMs).toBe(400);
  });

  it('torchserve batch 8 with maxBatchDelayMs 50: 7 requests at t=0 go as a batch of 7 at 50 ms', () => {
    fake();
    const t0 = realClock.nowMs();
    const t = setup({ policy: 'torchserve', batchSize: 8, maxBatchDelayMs: 50 }, realClock, 1);
    t.enqueue(...ids(7));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(49);
    expect(t.batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(t.batches.length).toBe(1);
    expect(t.batches[0]!.ids).toEqual(ids(7));
    expect(t.batches[0]!.formedAtMs - t0).toBe(50);
  });

  it('triton delay 5000 µs: requests at 0 and 2 ms go together at 5 ms', () => {
    fake();
    const t0 = realClock.nowMs();
    const t = setup({ policy: 'triton', maxBatchSize: 8, preferredBatchSizes: [], maxQueueDelayUs: 5000 }, realClock, 1);
    t.enqueue('a');
    vi.advanceTimersByTime(2);
    t.enqueue('b');
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(2);
    expect(t.batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(t.batches.map((b) => [b.ids, b.formedAtMs - t0])).toEqual([[['a', 'b'], 5]]);
  });
});

describe('DynamicBatcher, no batching and lifecycle', () => {
  it('none: one request per batch, one per free instance; the rest wait for a poke', () => {
    const clock = new ManualClock();
    const t = setup({ policy: 'none' }, clock, 1);
    t.enqueue('a', 'b', 'c');
    expect(t.batches.map((b) => b.ids)).toEqual([['a']]);
    clock.advanceToMs(3);
    t.release();
    expect(t.batches.map((b) => [b.ids, b.formedAtMs])).toEqual([
      [['a'], 0],
      [['b'], 3],
    ]);
    expect(t.batcher.pending()).toBe(1);
  });

  it('a request enqueued from inside dispatch is neither lost nor dispatched twice', () => {
    const clock = new ManualClock();
    let free = 2;
    const seen: string[][] = [];
    const batcher: DynamicBatcher<string> = new DynamicBatcher<string>({
      policy: { policy: 'none' },
      clock,
      hasFreeInstance: () => free > 0,
      dispatch: (items) => {
        free--;
        seen.push(items);
        if (items[0] === 'a') batcher.enqueue('x');
      },
    });
    batcher.enqueue('a');
    // 'a' takes instance 1; its dispatch enqueues 'x', which the running loop gives instance 2.
    expect(seen).toEqual([['a'], ['x']]);
    expect(batcher.pending()).toBe(0);
  });

  it('drain returns what is queued, oldest first, and cancels the deadline; close rejects enqueues', () => {
    const clock = new ManualClock();
    const t = setup(triton, clock, 1);
    t.enqueue('a', 'b');
    expect(clock.pendingTimers()).toBe(1);
    t.batcher.close();
    expect(clock.pendingTimers()).toBe(0);
    expect(t.batcher.drain().map((r) => r.id)).toEqual(['a', 'b']);
    expect(t.batcher.pending()).toBe(0);
    t.batcher.poke();
    clock.advanceToMs(10);
    expect(t.batches).toEqual([]);
    expect(() => t.enqueue('c')).toThrow(/after close/);
  });
});

describe('ManualClock', () => {
  it('fires timers in due order at their exact times, including ones armed while advancing', () => {
    const clock = new ManualClock(10);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.nowMs()]), 0.5);
    clock.setTimeout(() => {
      fired.push(['a', clock.nowMs()]);
      clock.setTimeout(() => fired.push(['c', clock.nowMs()]), 0.2); // due 10.1 + 0.2 = 10.3
    }, 0.1);
    const cancelled = clock.setTimeout(() => fired.push(['x', clock.nowMs()]), 0.2);
    clock.clearTimeout(cancelled);
    clock.advanceMs(1);
    expect(fired).toEqual([
      ['a', 10.1],
      ['c', 10.1 + 0.2],
      ['b', 10.5],
    ]);
    expect(clock.nowMs()).toBe(11);
  });

  it('throws instead of hanging when a timer re-arms itself at the same instant forever', () => {
    const clock = new ManualClock();
    const rearm = (): void => void clock.setTimeout(rearm, 0);
    rearm();
    expect(() => clock.advanceMs(1)).toThrow(/re-arming/);
  });
});

describe('DynamicBatcher with a second batch slot per instance (canQueueFullBatch)', () => {
  /** One instance that can run one batch and hold one more queued behind it. */
  function twoSlots(policy: BatchingSpec, clock: Clock) {
    let held = 0;
    const batches: { ids: string[]; formedAtMs: number; heldBefore: number }[] = [];
    const batcher = new DynamicBatcher<Req>({
      policy,
      clock,
      hasFreeInstance: () => held === 0,
      canQueueFullBatch: () => held < 2,
      dispatch: (items, formedAtMs) => {
        batches.push({ ids: items.map((r) => r.id), formedAtMs, heldBefore: held });
        held++;
      },
    });
    return {
      batcher,
      batches,
      enqueue: (...ids: string[]) => ids.forEach((id) => batcher.enqueue({ id, queuedAtMs: clock.nowMs() })),
      finishOne: () => {
        held--;
        batcher.poke();
      },
    };
  }

  it('triton max 16: while the instance is busy, 16 queued go ahead as a full batch; 15 keep waiting and growing', () => {
    const clock = new ManualClock();
    const t = twoSlots(triton, clock);
    t.enqueue(...ids(4)); // idle instance, preferred 4: dispatched at once
    expect(t.batches.map((b) => [b.ids.length, b.heldBefore])).toEqual([[4, 0]]);
    t.enqueue(...ids(15, 'b'));
    // Busy: 15 < 16 is not full, and neither preferred 4 nor 8 goes to a busy instance; no timer.
    expect(t.batches).toHaveLength(1);
    expect(clock.pendingTimers()).toBe(0);
    clock.advanceToMs(5); // far past the 1000 µs delay: still only an idle instance takes a partial batch
    expect(t.batches).toHaveLength(1);
    t.enqueue('b15'); // the 16th: full, queued behind the running batch
    expect(t.batches.map((b) => [b.ids.length, b.heldBefore])).toEqual([
      [4, 0],
      [16, 1],
    ]);
    expect(t.batches[1]!.ids).toEqual(ids(16, 'b'));
    // Both slots taken: even a full batch waits now.
    t.enqueue(...ids(16, 'c'));
    expect(t.batches).toHaveLength(2);
    t.finishOne(); // one slot free, instance still busy: the full batch of c goes into it
    expect(t.batches.map((b) => [b.ids.length, b.heldBefore])).toEqual([
      [4, 0],
      [16, 1],
      [16, 1],
    ]);
  });

  it('without canQueueFullBatch a full batch waits for an idle instance, as before', () => {
    const clock = new ManualClock();
    let held = 1;
    const batches: number[] = [];
    const batcher = new DynamicBatcher<Req>({
      policy: triton,
      clock,
      hasFreeInstance: () => held === 0,
      dispatch: (items) => {
        batches.push(items.length);
        held++;
      },
    });
    for (const id of ids(20)) batcher.enqueue({ id, queuedAtMs: 0 });
    expect(batches).toEqual([]);
    held = 0;
    batcher.poke();
    expect(batches).toEqual([16]);
  });

  it('none: each request is a full batch of 1, so a busy instance with room takes one more', () => {
    const clock = new ManualClock();
    const t = twoSlots({ policy: 'none' }, clock);
    t.enqueue('a', 'b', 'c');
    expect(t.batches.map((b) => [b.ids, b.heldBefore])).toEqual([
      [['a'], 0],
      [['b'], 1],
    ]);
    expect(t.batcher.pending()).toBe(1);
  });
});
