/** Messages between the engine (main thread) and its instance workers. */

export interface ValueInfo {
  name: string;
  isTensor: boolean;
  type: string;
  shape: (number | string)[];
}

/** One model output for a batch (or one item's row of it): row-major values and dimensions. */
export interface OutputTensor {
  name: string;
  data: Float32Array;
  dims: number[];
}

export interface EngineWorkerData {
  modelPath: string;
  executionProviders: unknown[];
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  intraOpNumThreads: number;
  interOpNumThreads: number;
  /**
   * Whether onnxruntime's intra-op threads spin-wait for work between parallel sections. Spinning
   * saves a wake-up per section for a thread that owns its core, but an instance's spinning threads
   * take the cores the serving event loop and the other instances need.
   */
  allowSpinning: boolean;
}

export type ToWorker =
  /**
   * batch: the batch's `count` items of itemDims (the model's own order) and elementType back to
   * back from offset 0, in a buffer
   * transferred (not copied) to the worker; the worker hands it back with its answer for reuse.
   * batchSize: the batch the session runs (>= count). A model with a fixed batch dimension gets
   * zero-padded items, and only the first `count` output rows come back.
   */
  | { type: 'run'; id: number; batch: ArrayBuffer; count: number; batchSize: number; itemDims: number[]; elementType: 'float32' | 'float16' | 'uint8' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; loadMs: number; inputs: ValueInfo[]; outputs: ValueInfo[] }
  | { type: 'load-error'; message: string }
  /** batch: the run's input buffer, transferred back for reuse. */
  /** outputs: every model output, its first `count` rows, as float32 whatever the model's type. */
  | { type: 'result'; id: number; outputs: OutputTensor[]; batch: ArrayBuffer }
  | { type: 'run-error'; id: number; message: string; batch: ArrayBuffer };
