/**
 * Pooled batch buffers with one slot per batch item. A request's input is written straight into a
 * slot (decoded and normalised into it, or a client tensor copied into it), in arrival order, so
 * that when the batcher dispatches the requests in the same order, the batch is already assembled:
 * the buffer the stages wrote is the one transferred to the model's worker, with no copy.
 *
 * When a batch is not a buffer's first slots in order (a request failed between its slot and the
 * batcher, or out-of-order async stages), the engine falls back to copying the items together,
 * which is what every batch cost before. Slots past a dispatched prefix (requests that arrived
 * after the batch was formed) move to a fresh buffer first: a copy of those few items keeps the
 * following batches aligned with their buffers.
 */

export interface InputSlot {
  /** This slot's values: one batch item. Re-pointed when the slot moves to another buffer. */
  view: Float32Array;
  /** The buffer's record and the slot's index in it; both change when the slot moves. */
  home: SlotBuffer;
  index: number;
}

interface SlotBuffer {
  buffer: ArrayBuffer;
  /** Slots handed out so far, by index; a dispatched slot's entry is set to null. */
  slots: (InputSlot | null)[];
  /** Slots handed out and not yet dispatched. */
  live: number;
}

export interface TakenBatch {
  buffer: ArrayBuffer;
  /** Items copied to get here: 0 when the batch went out in the buffer its stages wrote. */
  copiedItems: number;
}

export class InputSlotPool {
  private filling: SlotBuffer | null = null;
  private readonly spare: ArrayBuffer[] = [];
  /** Items copied on dispatch (assembly fallback and moved leftovers), for tests and the bench. */
  copiedItems = 0;
  zeroCopyBatches = 0;
  copiedBatches = 0;

  constructor(
    readonly itemLength: number,
    /** Slots per buffer: the largest batch the policy dispatches (or the model's fixed batch). */
    public slotsPerBuffer: number,
    /** Spare buffers kept for reuse. */
    private readonly maxSpare = 4,
    /** Rows every buffer holds at least: a model's fixed batch dimension (padding included). */
    private readonly minRows = 0,
  ) {}

  allocate(): InputSlot {
    let home = this.filling;
    if (!home || home.slots.length >= this.slotsPerBuffer) home = this.filling = this.newHome();
    const index = home.slots.length;
    const slot: InputSlot = { view: new Float32Array(home.buffer, index * this.itemLength * 4, this.itemLength), home, index };
    home.slots.push(slot);
    home.live += 1;
    return slot;
  }

  /**
   * The buffer for a batch of `batchSize` rows holding `inputs` in order. Zero-copy when the inputs
   * are one buffer's slots 0..n-1; otherwise a spare buffer with the items copied in. Rows past the
   * inputs (padding to a fixed batch dimension) are zeros. The buffer is the caller's until
   * recycle() gives it back.
   */
  take(inputs: readonly (InputSlot | Float32Array)[], batchSize: number): TakenBatch {
    const first = inputs[0];
    const home = first && !(first instanceof Float32Array) ? first.home : undefined;
    const inOrder =
      home !== undefined &&
      home.buffer.byteLength >= batchSize * this.itemLength * 4 &&
      inputs.every((input, i) => !(input instanceof Float32Array) && input.home === home && input.index === i);
    if (inOrder) {
      // Slots handed out after this batch was formed (requests that came later) move, in order,
      // to a fresh buffer, ahead of any already in the buffer being filled: a few items at most.
      const later = home.slots.slice(inputs.length).filter((slot): slot is InputSlot => slot !== null);
      const filling = this.filling;
      let moved = 0;
      if (later.length > 0) {
        if (filling && filling !== home) later.push(...filling.slots.filter((slot): slot is InputSlot => slot !== null));
        let fresh = this.newHome();
        for (const slot of later) {
          if (fresh.slots.length >= this.slotsPerBuffer) fresh = this.newHome();
          this.moveTo(slot, fresh);
        }
        moved = later.length;
        if (filling && filling !== home) this.recycle(filling.buffer);
        this.filling = fresh;
      } else if (filling === home) {
        this.filling = null;
      }
      home.slots.length = 0;
      home.live = 0;
      const rows = this.itemLength * batchSize;
      if (inputs.length < batchSize) new Float32Array(home.buffer, inputs.length * this.itemLength * 4, rows - inputs.length * this.itemLength).fill(0);
      this.copiedItems += moved;
      this.zeroCopyBatches += 1;
      return { buffer: home.buffer, copiedItems: moved };
    }
    const buffer = this.spareBuffer(batchSize);
    const view = new Float32Array(buffer, 0, this.itemLength * batchSize);
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      const values = input instanceof Float32Array ? input : input.view;
      if (values.length !== this.itemLength) throw new Error(`batch item ${i} has ${values.length} values, expected ${this.itemLength}`);
      view.set(values, i * this.itemLength);
      if (!(input instanceof Float32Array)) this.release(input);
    }
    view.fill(0, inputs.length * this.itemLength);
    this.copiedItems += inputs.length;
    this.copiedBatches += 1;
    return { buffer, copiedItems: inputs.length };
  }

  /** A buffer back from the worker, for later batches. */
  recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength < this.rows(0) * this.itemLength * 4) return;
    if (this.spare.length < this.maxSpare) this.spare.push(buffer);
  }

  /** A slot whose request will not be dispatched (it failed on the way): safe to call for any slot. */
  free(slot: InputSlot): void {
    this.release(slot);
  }

  private release(slot: InputSlot): void {
    const home = slot.home;
    if (home.slots[slot.index] !== slot) return;
    home.slots[slot.index] = null;
    home.live -= 1;
    // A full buffer whose every slot went out by copy can serve again.
    if (home.live === 0 && home !== this.filling) this.recycle(home.buffer);
  }

  private moveTo(slot: InputSlot, home: SlotBuffer): void {
    const index = home.slots.length;
    const view = new Float32Array(home.buffer, index * this.itemLength * 4, this.itemLength);
    view.set(slot.view);
    slot.view = view;
    slot.home = home;
    slot.index = index;
    home.slots.push(slot);
    home.live += 1;
  }

  private rows(batchSize: number): number {
    return Math.max(batchSize, this.slotsPerBuffer, this.minRows);
  }

  private newHome(): SlotBuffer {
    return { buffer: this.spareBuffer(this.slotsPerBuffer), slots: [], live: 0 };
  }

  private spareBuffer(batchSize: number): ArrayBuffer {
    const bytes = this.itemLength * this.rows(batchSize) * 4;
    const index = this.spare.findIndex((b) => b.byteLength >= bytes);
    return index >= 0 ? this.spare.splice(index, 1)[0]! : new ArrayBuffer(bytes);
  }
}
