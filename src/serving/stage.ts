import type { OutputTensor } from '../model/engineProtocol.js';
import type { InputSlot, InputSlotPool } from '../model/inputSlots.js';
import type { InputLayout, ModelSignature } from '../model/signature.js';
import type { ProfileSpec, ResizeMode, StageName } from '../schema/profileSpec.js';
import type { OutputInterpreter, OutputSummary, Prediction } from './outputKind.js';

/**
 * The request pipeline is a list of small stages `{ name, run(state, ctx) }`. The runner times
 * every stage (hono's timing middleware idea); stages never time themselves. queueWait and infer
 * are timed by the runner around the batcher and the engine.
 */

/** A request as it arrives on the wire (in process, or from HTTP). */
export interface WireRequest {
  contentType: string;
  body: Buffer;
}

export type { Prediction } from './outputKind.js';

/** Preprocessing parameters that the config-load stage reads (from disk per request, or once). */
export interface PreprocessConfig {
  width: number;
  height: number;
  channels: number;
  mean: [number, number, number];
  std: [number, number, number];
  resize: ResizeMode;
  /** Where the tensor's channels go (absent: nchw). */
  layout?: InputLayout;
}

/** Mutable per-request state handed from stage to stage. */
export interface RequestState {
  id: number;
  request: WireRequest;
  /** Image bytes after deserialize (server-side preprocessing). */
  payload?: Buffer;
  config?: PreprocessConfig;
  /** CHW float32 input after preprocess, or as sent by the client. */
  tensor?: Float32Array;
  /** The batch-buffer slot the tensor was written into (tensor is its view until dispatch). */
  slot?: InputSlot;
  /** This request's row of the model's first output. */
  output?: Float32Array;
  /** This request's row of every output (absent from engines that return only the first). */
  outputs?: OutputTensor[];
  /** Classification and probabilities outputs: the top classes. */
  prediction?: Prediction;
  /** Raw outputs (maps, embeddings, several outputs): each output's name, shape and summary. */
  rawOutputs?: OutputSummary[];
  response?: Buffer;
}

export interface Stage {
  readonly name: StageName;
  run(state: RequestState): Promise<void> | void;
  /** Releases what the stage holds (files, buffers, sockets); flushes pending log records. */
  close?(): Promise<void>;
}

/** Shared context the stage factories receive. */
export interface StageContext {
  spec: ProfileSpec;
  /** Model input C,H,W. */
  inputShape: [number, number, number];
  /** The served model's signature (input type and layout, outputs); absent in stage tests. */
  signature?: ModelSignature;
  /** How postprocess reads the outputs; absent: every output row is logits (a classifier). */
  output?: OutputInterpreter;
  /**
   * The engine's batch-buffer slots: a stage that produces the model input writes it into one, so
   * the batch needs no assembly copy. Absent: stages allocate their own tensors.
   */
  inputSlots?: InputSlotPool;
  /** A directory the run owns: preprocessing config file, temp spools, request log. */
  scratchDir: string;
  /** Test hooks: observe real I/O while it happens. */
  observe?: {
    onTempFile?: (path: string) => void;
    /** configLoad read the preprocessing config file from disk (per request, or once when cached). */
    onConfigRead?: (path: string) => void;
  };
}

/** A request that failed in a stage; the runner counts it under `reason` and the run goes on. */
export class RequestFailure extends Error {
  constructor(
    readonly stage: StageName,
    readonly reason: string,
  ) {
    super(`${stage}: ${reason}`);
    this.name = 'RequestFailure';
  }
}

/** Content type of a client-preprocessed request: raw little-endian float32, C,H,W in the model's layout. */
export const TENSOR_CONTENT_TYPE = 'application/x-capacity-plan-tensor-f32';
