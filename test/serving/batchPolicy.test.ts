import { describe, expect, it } from 'vitest';
import { decideBatch, fullBatchSize } from '../../src/serving/batchPolicy.js';
import type { BatchingSpec } from '../../src/schema/profileSpec.js';

const triton: BatchingSpec = { policy: 'triton', maxBatchSize: 16, preferredBatchSizes: [4, 8, 16], maxQueueDelayUs: 1000 };
const tritonPlain: BatchingSpec = { policy: 'triton', maxBatchSize: 8, preferredBatchSizes: [], maxQueueDelayUs: 0 };
const torchserve: BatchingSpec = { policy: 'torchserve', batchSize: 8, maxBatchDelayMs: null };
const torchserve50: BatchingSpec = { policy: 'torchserve', batchSize: 8, maxBatchDelayMs: 50 };
const none: BatchingSpec = { policy: 'none' };

/** n requests all queued at t=atMs. */
const queued = (n: number, atMs = 0): number[] => Array.from({ length: n }, () => atMs);

describe('decideBatch', () => {
  it.each([
    // Triton, max 16, preferred [4,8,16], delay 1000 µs = 1 ms.
    ['triton: empty queue waits for an arrival', triton, [], 5, { kind: 'wait', untilMs: null }],
    ['triton: 3 queued, no preferred size reached: wait until oldest(0.2) + 1 = 1.2', triton, [0.2, 0.3, 0.4], 0.5, { kind: 'wait', untilMs: 1.2 }],
    ['triton: 3 queued, oldest waited exactly 1 ms: dispatch all 3', triton, [0.2, 0.3, 0.4], 1.2, { kind: 'dispatch', size: 3 }],
    ['triton: 4 queued: preferred 4 at once', triton, queued(4), 0, { kind: 'dispatch', size: 4 }],
    ['triton: 11 queued: largest preferred <= 11 is 8', triton, queued(11), 0, { kind: 'dispatch', size: 8 }],
    ['triton: 16 queued: max', triton, queued(16), 0, { kind: 'dispatch', size: 16 }],
    ['triton: 20 queued: max 16, never more', triton, queued(20), 0, { kind: 'dispatch', size: 16 }],
    ['triton: no preferred sizes, delay 0: whatever is queued, at once', tritonPlain, queued(3), 0, { kind: 'dispatch', size: 3 }],
    ['triton: no preferred sizes, delay 0: capped at max 8', tritonPlain, queued(9), 0, { kind: 'dispatch', size: 8 }],
    // TorchServe, batch 8.
    ['torchserve: 7 queued, no delay: wait for a full batch forever', torchserve, queued(7), 400, { kind: 'wait', untilMs: null }],
    ['torchserve: 8 queued: full batch', torchserve, queued(8), 400, { kind: 'dispatch', size: 8 }],
    ['torchserve: 9 queued: batch 8', torchserve, queued(9), 0, { kind: 'dispatch', size: 8 }],
    ['torchserve 50 ms: 7 queued at 10, now 30: wait until 10 + 50 = 60', torchserve50, queued(7, 10), 30, { kind: 'wait', untilMs: 60 }],
    ['torchserve 50 ms: 7 queued at 10, now 60: dispatch 7', torchserve50, queued(7, 10), 60, { kind: 'dispatch', size: 7 }],
    // No batching.
    ['none: one at a time', none, queued(5), 0, { kind: 'dispatch', size: 1 }],
    ['none: empty queue waits', none, [], 0, { kind: 'wait', untilMs: null }],
  ] as const)('%s', (_name, policy, queuedAtMs, nowMs, expected) => {
    expect(decideBatch(policy, queuedAtMs, nowMs)).toEqual(expected);
  });

  it('finds a deadline due at exactly the untilMs it returned, despite float rounding', () => {
    // oldest 0.4, delay 1000 µs: untilMs = 0.4 + 1 = 1.4, but 1.4 - 0.4 = 0.9999999999999999 in
    // doubles, so the rule written as now - oldest >= delay would wait again at its own deadline.
    const wait = decideBatch(triton, [0.4], 0.5);
    expect(wait).toEqual({ kind: 'wait', untilMs: 1.4 });
    expect(1.4 - 0.4 >= 1).toBe(false);
    expect(decideBatch(triton, [0.4], 1.4)).toEqual({ kind: 'dispatch', size: 1 });
  });
});

describe('fullBatchSize', () => {
  it.each([
    [{ policy: 'triton', maxBatchSize: 16, preferredBatchSizes: [4, 8], maxQueueDelayUs: 100 }, 16],
    [{ policy: 'torchserve', batchSize: 8, maxBatchDelayMs: null }, 8],
    [{ policy: 'none' }, 1],
  ] as [BatchingSpec, number][])('%o -> %i', (policy, expected) => {
    expect(fullBatchSize(policy)).toBe(expected);
  });
});
