/** Messages between the engine (main thread) and its instance workers. */

export interface ValueInfo {
  name: string;
  isTensor: boolean;
  type: string;
  shape: (number | string)[];
}

export interface EngineWorkerData {
  modelPath: string;
  executionProviders: unknown[];
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  intraOpNumThreads: number;
  interOpNumThreads: number;
}

export type ToWorker =
  | { type: 'run'; id: number; tensors: Float32Array[]; itemShape: number[] }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; loadMs: number; inputs: ValueInfo[]; outputs: ValueInfo[] }
  | { type: 'load-error'; message: string }
  | { type: 'result'; id: number; data: Float32Array; dims: number[] }
  | { type: 'run-error'; id: number; message: string };
