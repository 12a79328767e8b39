/**
 * One model instance: a worker thread that owns one onnxruntime session. session.run() blocks its
 * thread for the whole inference, so it must never run on the main event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { EngineWorkerData, ToWorker, FromWorker, OutputTensor, ValueInfo } from './engineProtocol.js';
import { float16Bits, float16Value } from './float16.js';
import { sessionOptions } from './sessionOptions.js';

// onnxruntime-node 1.30's native binding reads tensor data as the classic typed arrays. Where Node
// has a global Float16Array (Node 24; Node 22 has none), onnxruntime-common stores float16 tensors
// in one, the binding sees 0 bytes ("not enough space: expected 384, got 0") and every float16 model
// fails (test/cli/modelKinds.test.ts on Node 24.22.3). This worker thread has its own global: hide
// Float16Array here, before the first tensor, so float16 data stays Uint16Array bits as on Node 22.
if ('Float16Array' in globalThis) Reflect.deleteProperty(globalThis, 'Float16Array');

const data = workerData as EngineWorkerData;
const port = parentPort!;

function describe(meta: readonly ort.InferenceSession.ValueMetadata[]): ValueInfo[] {
  return meta.map((m) => (m.isTensor ? { name: m.name, isTensor: true, type: m.type, shape: [...m.shape] } : { name: m.name, isTensor: false, type: 'non-tensor', shape: [] }));
}

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function main(): Promise<void> {
  const started = performance.now();
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(data.modelPath, sessionOptions(data));
  } catch (error) {
    post({ type: 'load-error', message: (error as Error).message });
    return;
  }
  const inputName = session.inputNames[0]!;
  post({
    type: 'ready',
    loadMs: performance.now() - started,
    inputs: describe(session.inputMetadata),
    outputs: describe(session.outputMetadata),
  });

  const onMessage = async (message: ToWorker): Promise<void> => {
    if (message.type === 'close') {
      await session.release();
      port.close();
      return;
    }
    const { id, batch, count, batchSize, itemDims, elementType } = message;
    try {
      // The batch arrives assembled (float32, in the model's layout), in a buffer transferred (not
      // copied) to this thread. Items beyond count (padding up to a fixed batch dimension) were
      // zeroed by the engine.
      const length = itemDims.reduce((a, b) => a * b, 1) * batchSize;
      const input = new ort.Tensor(elementType, inputView(elementType, batch, length), [batchSize, ...itemDims]);
      const results = await session.run({ [inputName]: input });
      // Copies out of onnxruntime's buffers (so the transfer cannot detach memory it still owns),
      // as float32, the padding rows left behind. The input buffer goes back for the engine to reuse.
      const outputs: OutputTensor[] = session.outputNames.map((name) => firstRows(name, results[name]!, count, batchSize));
      post({ type: 'result', id, outputs, batch }, [...outputs.map((o) => o.data.buffer as ArrayBuffer), batch]);
    } catch (error) {
      post({ type: 'run-error', id, message: (error as Error).message, batch }, [batch]);
    }
  };
  // Not awaited: a run's failure is posted back from inside; a failed release on close is left to
  // reject unhandled, which ends the worker, and the engine reports that.
  port.on('message', (message: ToWorker) => void onMessage(message));
}

/**
 * The batch as the model's element type. Batches arrive as float32 (the engine's input slots);
 * float16 and uint8 models get a converted copy, made here, off the serving event loop: float16
 * as IEEE half bits, uint8 rounded and clamped (pixel values computed in float32 can be 254.99998).
 */
function inputView(type: 'float32' | 'float16' | 'uint8', buffer: ArrayBuffer, length: number): Float32Array | Uint16Array | Uint8Array {
  const values = new Float32Array(buffer, 0, length);
  if (type === 'float16') {
    const bits = new Uint16Array(length);
    for (let i = 0; i < length; i++) bits[i] = float16Bits(values[i]!);
    return bits;
  }
  if (type === 'uint8') return new Uint8Array(Uint8ClampedArray.from(values).buffer);
  return values;
}

/**
 * An output's first `count` rows as float32. Raw outputs (maps, embeddings, detections) can be of
 * any numeric type; a row is 1/batchSize of the tensor when its first dimension is the batch.
 */
function firstRows(name: string, tensor: ort.Tensor, count: number, batchSize: number): OutputTensor {
  const dims = [...tensor.dims];
  const batched = dims[0] === batchSize;
  const length = batched ? (tensor.size / batchSize) * count : tensor.size;
  const outDims = batched ? [count, ...dims.slice(1)] : dims;
  const source = tensor.data;
  let data: Float32Array;
  if (tensor.type === 'float32') data = (source as Float32Array).slice(0, length);
  else if (tensor.type === 'float16') data = Float32Array.from((source as Uint16Array).subarray(0, length), float16Value);
  else if (typeof (source as { [i: number]: unknown })[0] === 'bigint') data = Float32Array.from((source as BigInt64Array).subarray(0, length), Number);
  else if (tensor.type === 'string') data = new Float32Array(0);
  else data = Float32Array.from((source as Int32Array).subarray(0, length));
  return { name, data, dims: outDims };
}

void main();
