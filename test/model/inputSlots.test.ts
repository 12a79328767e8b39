import { describe, expect, it } from 'vitest';
import { InputSlotPool } from '../../src/model/inputSlots.js';

/** Pooled batch buffers, pure: which batches go out without a copy, and that the values are right. */

const ITEM = 3;

function fill(pool: InputSlotPool, n: number, start = 0) {
  return Array.from({ length: n }, (_, i) => {
    const slot = pool.allocate();
    slot.view.fill(start + i);
    return slot;
  });
}

const rows = (buffer: ArrayBuffer, n: number): number[] => Array.from(new Float32Array(buffer, 0, n * ITEM).filter((_, i) => i % ITEM === 0));

describe('InputSlotPool', () => {
  it('sends a full batch in the buffer its slots were written in, with no copy', () => {
    const pool = new InputSlotPool(ITEM, 4);
    const slots = fill(pool, 4);
    const written = slots[0]!.home.buffer;
    const taken = pool.take(slots, 4);
    expect(taken.buffer).toBe(written);
    expect(taken.copiedItems).toBe(0);
    expect(rows(taken.buffer, 4)).toEqual([0, 1, 2, 3]);
    // The next request starts a fresh buffer: the sent one is the worker's now.
    expect(pool.allocate().home.buffer).not.toBe(written);
  });

  it('moves slots handed out after a partial batch was formed, keeping later batches aligned', () => {
    const pool = new InputSlotPool(ITEM, 4);
    const slots = fill(pool, 6);
    const first = pool.take(slots.slice(0, 3), 3);
    // Slot 3 moves to a fresh buffer, and 4, 5 (already in the next one) after it, in order.
    expect(first.copiedItems).toBe(3);
    expect(rows(first.buffer, 3)).toEqual([0, 1, 2]);
    // 3 (moved), 4, 5 are now slots 0..2 of one buffer: the next batch is zero-copy.
    const second = pool.take(slots.slice(3), 3);
    expect(second.copiedItems).toBe(0);
    expect(rows(second.buffer, 3)).toEqual([3, 4, 5]);
  });

  it('copies a batch that is not a buffer prefix in order, and recycles nothing it still needs', () => {
    const pool = new InputSlotPool(ITEM, 4);
    const slots = fill(pool, 4);
    pool.free(slots[1]!); // its request failed before the batcher
    const taken = pool.take([slots[0]!, slots[2]!, slots[3]!], 3);
    expect(taken.copiedItems).toBe(3);
    expect(rows(taken.buffer, 3)).toEqual([0, 2, 3]);
    expect(taken.buffer).not.toBe(slots[0]!.home.buffer);
  });

  it('pads a fixed batch dimension with zeros, also in a reused buffer', () => {
    const pool = new InputSlotPool(ITEM, 4, 4, 4);
    const full = fill(pool, 4, 1);
    const sent = pool.take(full, 4).buffer;
    pool.recycle(sent);
    const two = fill(pool, 2, 7);
    expect(two[0]!.home.buffer).toBe(sent);
    const taken = pool.take(two, 4);
    expect(taken.copiedItems).toBe(0);
    expect(rows(taken.buffer, 4)).toEqual([7, 8, 0, 0]);
  });

  it('takes plain tensors by copying them in', () => {
    const pool = new InputSlotPool(ITEM, 2);
    const taken = pool.take([Float32Array.of(5, 5, 5), Float32Array.of(6, 6, 6)], 2);
    expect(taken.copiedItems).toBe(2);
    expect(rows(taken.buffer, 2)).toEqual([5, 6]);
    expect(() => pool.take([new Float32Array(2)], 1)).toThrow('batch item 0 has 2 values, expected 3');
  });
});
