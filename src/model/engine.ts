import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { z } from 'zod';
import type { EngineSpec } from '../schema/profileSpec.js';
import { EnvironmentError, InputError } from '../util/errors.js';
import { siblingModule, startWorker } from '../util/workers.js';
import type { EngineWorkerData, FromWorker, OutputTensor, ToWorker } from './engineProtocol.js';
import { modelItemDims, readSignature, type InputElementType, type InputLayout, type ModelSignature } from './signature.js';
import { assertProviderInstalled, executionProviders } from './providers.js';
import { InputSlotPool, type InputSlot } from './inputSlots.js';

/**
 * The inference engine: N model instances (Triton's instance_group count, TorchServe's workers),
 * each a worker thread with its own onnxruntime session. The batcher asks `hasFreeInstance()` and
 * hands whole batches to `infer()`.
 */

export interface InferResult {
  /** The first output, row-major, one row per batch item. */
  data: Float32Array;
  dims: number[];
  /** Every output (the first included), as float32. */
  outputs: OutputTensor[];
  /**
   * How long the batch waited on its instance behind an earlier batch before it could start
   * (0 unless depthPerInstance > 1): queueing for the model, not inference.
   */
  waitedMs: number;
}

export interface EngineOptions {
  modelPath: string;
  engine: z.infer<typeof EngineSpec>;
  inputShape?: [number, number, number];
  /** Overrides the input layout detected from the model's shape. */
  layout?: InputLayout;
  /** Batches each instance may hold: one running plus (depth - 1) waiting in its message queue. */
  depthPerInstance?: number;
  /** onnxruntime's intra-op threads spin-wait between parallel sections (default: DEFAULT_ALLOW_SPINNING). */
  allowSpinning?: boolean;
}

/** See EngineWorkerData.allowSpinning. */
export const DEFAULT_ALLOW_SPINNING = false;

interface Instance {
  worker: Worker;
  outstanding: number;
  /** When this instance's latest answer arrived (performance.now()). */
  lastAnswerAtMs: number;
}

interface Pending {
  instance: Instance;
  postedAtMs: number;
  resolve(result: InferResult): void;
  reject(error: Error): void;
}

export class Engine {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  /**
   * Where requests' inputs are written, one slot per batch item, so that a batch goes to its
   * worker in the buffer its stages wrote (see inputSlots.ts). Buffers come back with the results.
   */
  readonly inputSlots: InputSlotPool;
  /** Called whenever an instance finishes a batch (the batcher re-evaluates then). */
  onInstanceFree: () => void = () => {};
  /** Test hook: the buffer each batch is transferred in, just before it goes. */
  onBatchBuffer?: (buffer: ArrayBuffer) => void;

  private constructor(
    private readonly instances: Instance[],
    readonly signature: ModelSignature,
    /** Per-instance session creation time (cold start), ms. */
    readonly loadMs: number[],
    private readonly depthPerInstance: number,
  ) {
    const itemLength = signature.itemShape[0] * signature.itemShape[1] * signature.itemShape[2];
    // Enough spare buffers for every batch that can be in flight plus the one being filled.
    const fixedBatch = Number.isFinite(signature.maxBatch) ? signature.maxBatch : 0;
    this.inputSlots = new InputSlotPool(itemLength, Math.max(1, fixedBatch), instances.length * depthPerInstance + 2, fixedBatch);
    for (const instance of instances) {
      instance.worker.on('message', (message: FromWorker) => this.onMessage(instance, message));
      instance.worker.on('error', (error) => this.failInstance(instance, error));
    }
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const { engine } = options;
    assertProviderInstalled(engine.device);
    const intraOpNumThreads = resolveIntraOpThreads(engine);
    const workerData = {
      modelPath: options.modelPath,
      executionProviders: executionProviders(engine.device),
      graphOptimizationLevel: engine.graphOptimizationLevel,
      intraOpNumThreads,
      interOpNumThreads: engine.interOpNumThreads > 0 ? engine.interOpNumThreads : 1,
      allowSpinning: options.allowSpinning ?? DEFAULT_ALLOW_SPINNING,
    } satisfies EngineWorkerData;
    const url = siblingModule(import.meta.url, 'engineWorker');
    const workers = Array.from({ length: engine.instances }, () => startWorker(url, { workerData }));
    let readies: Extract<FromWorker, { type: 'ready' }>[];
    try {
      readies = await Promise.all(workers.map((w) => waitReady(w, options.modelPath, engine.device)));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    let signature: ModelSignature;
    try {
      signature = readSignature(readies[0]!.inputs, readies[0]!.outputs, { inputShape: options.inputShape, layout: options.layout });
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new Engine(
      workers.map((worker) => ({ worker, outstanding: 0, lastAnswerAtMs: 0 })),
      signature,
      readies.map((r) => r.loadMs),
      Math.max(1, options.depthPerInstance ?? 1),
    );
  }

  get instanceCount(): number {
    return this.instances.length;
  }

  /** Whether some instance can take another batch (it holds fewer than depthPerInstance). */
  hasFreeInstance(): boolean {
    return !this.closed && this.instances.some((i) => i.outstanding < this.depthPerInstance);
  }

  /** Whether some instance holds no batch at all and would start one at once. */
  hasIdleInstance(): boolean {
    return !this.closed && this.instances.some((i) => i.outstanding === 0);
  }

  /**
   * Runs one batch on the least-loaded instance. Each input is one item of itemShape: a slot of
   * inputSlots (zero-copy when the batch is a buffer's first slots in order) or a tensor (copied
   * into a batch buffer). A model whose batch dimension is fixed at B runs every batch at B:
   * smaller batches are zero-padded (their extra output rows dropped), larger ones are refused.
   */
  infer(tensors: readonly (Float32Array | InputSlot)[]): Promise<InferResult> {
    if (this.closed) return Promise.reject(new Error('engine is closed'));
    if (tensors.length === 0) return Promise.reject(new Error('cannot run an empty batch'));
    const { maxBatch } = this.signature;
    if (tensors.length > maxBatch) {
      return Promise.reject(new Error(`batch of ${tensors.length} exceeds the model's fixed batch dimension of ${maxBatch}`));
    }
    const batchSize = Number.isFinite(maxBatch) ? maxBatch : tensors.length;
    let batch: ArrayBuffer;
    try {
      batch = this.inputSlots.take(tensors, batchSize).buffer;
    } catch (error) {
      return Promise.reject(error);
    }
    this.onBatchBuffer?.(batch);
    const instance = this.instances.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
    const id = this.nextId++;
    instance.outstanding += 1;
    const message: ToWorker = {
      type: 'run',
      id,
      batch,
      count: tensors.length,
      batchSize,
      itemDims: modelItemDims(this.signature),
      elementType: this.signature.inputType as InputElementType,
    };
    return new Promise<InferResult>((resolve, reject) => {
      this.pending.set(id, { instance, postedAtMs: performance.now(), resolve, reject });
      instance.worker.postMessage(message, [batch]);
    });
  }

  private recycle(buffer: ArrayBuffer | undefined): void {
    if (buffer && buffer.byteLength > 0) this.inputSlots.recycle(buffer);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.instances.map(async ({ worker }) => {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.postMessage({ type: 'close' } satisfies ToWorker);
        const timer = setTimeout(() => void worker.terminate(), 2000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private onMessage(instance: Instance, message: FromWorker): void {
    if (message.type !== 'result' && message.type !== 'run-error') return;
    this.recycle(message.batch);
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    instance.outstanding -= 1;
    // An instance runs its batches in order: one posted while the previous was still running could
    // start only when that one's answer came back.
    const nowMs = performance.now();
    const waitedMs = Math.max(0, instance.lastAnswerAtMs - pending.postedAtMs);
    instance.lastAnswerAtMs = nowMs;
    if (message.type === 'result') {
      const first = message.outputs[0]!;
      pending.resolve({ data: first.data, dims: first.dims, outputs: message.outputs, waitedMs });
    } else pending.reject(new Error(message.message));
    this.onInstanceFree();
  }

  private failInstance(instance: Instance, error: Error): void {
    for (const [id, pending] of this.pending) {
      if (pending.instance !== instance) continue;
      this.pending.delete(id);
      pending.reject(error);
    }
    instance.outstanding = Number.POSITIVE_INFINITY;
  }
}

/** The intra-op threads each instance's session gets. */
export function resolveIntraOpThreads(engine: z.infer<typeof EngineSpec>): number {
  // 0 threads means: share the cores between instances. Extra threads only oversubscribe.
  return engine.intraOpNumThreads > 0 ? engine.intraOpNumThreads : Math.max(1, Math.floor(availableParallelism() / engine.instances));
}

/**
 * How many batches an instance should hold for serving (Engine.open's depthPerInstance). Two let
 * the event loop hand over the next full batch while one runs, which pays when the event loop has
 * a core of its own: a GPU instance, or CPU instances whose threads leave a core free. When the
 * instances' threads already take every core, the hand-over (one copy of every item) can only run
 * by preempting an onnxruntime thread, which stalls the whole parallel section it belongs to:
 * measured on 2 cores with the tiny model (npm run bench), one batch per instance was ~15% faster.
 */
export function servingDepthPerInstance(engine: z.infer<typeof EngineSpec>): number {
  if (engine.device !== 'cpu') return 2;
  return engine.instances * resolveIntraOpThreads(engine) < availableParallelism() ? 2 : 1;
}

function waitReady(worker: Worker, modelPath: string, device: string): Promise<Extract<FromWorker, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      if (message.type === 'ready') {
        cleanup();
        resolve(message);
      } else if (message.type === 'load-error') {
        cleanup();
        reject(loadError(message.message, modelPath, device));
      }
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(loadError(error.message, modelPath, device));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
  });
}

function loadError(message: string, modelPath: string, device: string): Error {
  const first = message.split('\n')[0]!.replace(/\s+/g, ' ').slice(0, 300);
  if (/provider|cuda|tensorrt|libcu|cudnn/i.test(message) && device !== 'cpu') {
    return new EnvironmentError(
      `cannot start the ${device} execution provider: ${first}`,
      'check the CUDA 12 / cuDNN 9 installation, or use --device cpu',
    );
  }
  return new InputError(`cannot load model '${modelPath}': ${first}`, 'is it a valid .onnx file? try `capacity-plan model build tiny --out tiny.onnx` to compare');
}
