import type { BatchingSpec } from '../schema/profileSpec.js';

/**
 * When to form a batch, as a pure function of the queue's enqueue times and the time now, so each
 * serving system's rule can be table-tested without timers. The DynamicBatcher drives it.
 *
 * - triton: a full batch (maxBatchSize) or the largest preferred size that is queued goes at once;
 *   otherwise the queue waits until its oldest request has waited maxQueueDelayUs, then all of it goes.
 * - torchserve: a full batch (batchSize) goes at once; otherwise wait until the oldest request has
 *   waited maxBatchDelayMs, or, with no delay configured, forever: the requests that waited 400 ms+
 *   under bursty traffic until enough others arrived to fill the batch.
 * - none: every request is its own batch.
 */
export type BatchDecision =
  | { kind: 'dispatch'; size: number }
  /** untilMs: when to ask again if nothing arrives; null: only a new arrival can change the answer. */
  | { kind: 'wait'; untilMs: number | null };

export function decideBatch(
  policy: BatchingSpec,
  queuedAtMs: readonly number[] /* oldest first */,
  nowMs: number,
): BatchDecision {
  const n = queuedAtMs.length;
  const oldestMs = queuedAtMs[0];
  if (n === 0 || oldestMs === undefined) return { kind: 'wait', untilMs: null };

  switch (policy.policy) {
    case 'none':
      return { kind: 'dispatch', size: 1 };

    case 'triton': {
      if (n >= policy.maxBatchSize) return { kind: 'dispatch', size: policy.maxBatchSize };
      let preferred = 0;
      for (const p of policy.preferredBatchSizes) if (p <= n && p > preferred) preferred = p;
      if (preferred > 0) return { kind: 'dispatch', size: preferred };
      // The deadline is computed once and compared as-is (not now - oldest >= delay), so a timer set
      // for exactly untilMs always finds it due despite floating-point rounding.
      const untilMs = oldestMs + policy.maxQueueDelayUs / 1000;
      return nowMs >= untilMs ? { kind: 'dispatch', size: n } : { kind: 'wait', untilMs };
    }

    case 'torchserve': {
      if (n >= policy.batchSize) return { kind: 'dispatch', size: policy.batchSize };
      if (policy.maxBatchDelayMs === null) return { kind: 'wait', untilMs: null };
      const untilMs = oldestMs + policy.maxBatchDelayMs;
      return nowMs >= untilMs ? { kind: 'dispatch', size: n } : { kind: 'wait', untilMs };
    }
  }
}

/** The largest batch the policy forms (1 without batching). */
export function fullBatchSize(policy: BatchingSpec): number {
  if (policy.policy === 'triton') return policy.maxBatchSize;
  if (policy.policy === 'torchserve') return policy.batchSize;
  return 1;
}
