import type { ModelSignature } from '../model/engine.js';
import type { RequestOutcome } from './pipeline.js';
import type { ServingPipeline } from './servingPipeline.js';
import type { WireRequest } from './stage.js';

/**
 * What the profiler drives: the pipeline in this process, an agent it started over HTTP, or a
 * server the user already runs. The runner only sees this interface.
 */
export interface ProfileTarget {
  /** Sends one request; resolves with its outcome and never rejects. */
  send(request: WireRequest, intendedAtMs: number): Promise<RequestOutcome>;
  /** Model signature where known (in process, our own agent); a remote server may not say. */
  signature?: ModelSignature;
  /** C,H,W used to prepare client-side requests. */
  itemShape: [number, number, number];
  modelPath?: string;
  modelLoadMs?: number;
  warnings: string[];
  /** Batch sizes dispatched so far (cumulative), where the target can tell. */
  batchSizeCounts?(): Promise<Map<number, number>>;
  /** Called once per dispatched batch, where the target can report it live. */
  onBatch?: (size: number) => void;
  /** Stops drawing from batches' policies so nothing waits for a full batch, then waits for nothing. */
  drain(): void;
  close(): Promise<void>;
}

export function inProcessTarget(serving: ServingPipeline): ProfileTarget {
  const target: ProfileTarget = {
    send: (request, intendedAtMs) => serving.pipeline.handle(request, intendedAtMs),
    signature: serving.engine.signature,
    itemShape: serving.engine.signature.itemShape,
    modelPath: serving.modelPath,
    modelLoadMs: serving.modelLoadMs,
    warnings: serving.warnings,
    drain: () => serving.pipeline.drain(),
    close: () => serving.close(),
  };
  serving.onBatch = (size) => target.onBatch?.(size);
  return target;
}
