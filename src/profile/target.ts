import type { ModelSignature } from '../model/signature.js';
import type { TransportInfo } from '../schema/transport.js';
import type { HandleOptions, RequestOutcome } from '../serving/pipeline.js';
import type { ServingPipeline } from '../serving/servingPipeline.js';
import type { WireRequest } from '../serving/stage.js';

/**
 * What the profiler drives: the pipeline in this process, an agent it started over HTTP, or a
 * server the user already runs. The runner only sees this interface.
 */
export interface ProfileTarget {
  /**
   * Sends one request; resolves with its outcome and never rejects. options.alone: run it as its
   * own batch (the cold-start request), where the target controls batching (in process).
   */
  send(request: WireRequest, intendedAtMs: number, options?: HandleOptions): Promise<RequestOutcome>;
  /** Model signature where known (in process, our own agent); a remote server may not say. */
  signature?: ModelSignature;
  /** C,H,W used to prepare client-side requests. */
  itemShape: [number, number, number];
  /** A local model file (hashed into the document); never set for a remote server's model. */
  modelPath?: string;
  /** What the document names as the model's source, when not spec.model.source (a remote server's model). */
  modelSource?: string;
  modelLoadMs?: number;
  /** Read when the load is over: a target may add what it learns during the run (an HTTP server's timing names). */
  warnings: string[];
  /** How requests reach the model, for the document. */
  transport?: TransportInfo;
  /**
   * Called once with every request the run will send, before the load starts: a target that
   * re-encodes requests for its protocol (KServe JSON tensors) does it here, off the clock.
   */
  prepare?(requests: readonly WireRequest[]): Promise<void> | void;
  /** Batch sizes dispatched so far (cumulative), where the target can tell. */
  batchSizeCounts?(): Promise<Map<number, number>>;
  /**
   * Where the target can report batches live: calls listener once per dispatched batch with its
   * size; returns the unsubscribe function.
   */
  onBatch?(listener: (size: number) => void): () => void;
  /** Stops drawing from batches' policies so nothing waits for a full batch, then waits for nothing. */
  drain(): void;
  close(): Promise<void>;
}

export function inProcessTarget(serving: ServingPipeline): ProfileTarget {
  return {
    send: (request, intendedAtMs, options) => serving.pipeline.handle(request, intendedAtMs, options),
    signature: serving.engine.signature,
    itemShape: serving.engine.signature.itemShape,
    modelPath: serving.modelPath,
    modelLoadMs: serving.modelLoadMs,
    warnings: serving.warnings,
    transport: { kind: 'inprocess' },
    onBatch: (listener) => serving.onBatch(listener),
    drain: () => serving.pipeline.drain(),
    close: () => serving.close(),
  };
}
