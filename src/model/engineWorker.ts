/**
 * One model instance: a worker thread that owns one onnxruntime session. session.run() blocks its
 * thread for the whole inference, so it must never run on the main event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { EngineWorkerData, ToWorker, FromWorker, ValueInfo } from './engineProtocol.js';
import { sessionOptions } from './sessionOptions.js';

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
  const outputName = session.outputNames[0]!;
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
    const { id, batch, count, batchSize, itemShape } = message;
    try {
      // The batch arrives assembled, in a buffer transferred (not copied) to this thread. Items
      // beyond count (padding up to a fixed batch dimension) were zeroed by the engine.
      const itemLength = itemShape.reduce((a, b) => a * b, 1);
      const input = new ort.Tensor('float32', new Float32Array(batch, 0, itemLength * batchSize), [batchSize, ...itemShape]);
      const results = await session.run({ [inputName]: input });
      const output = results[outputName]!;
      const outputData = output.data as Float32Array;
      const rowLength = outputData.length / batchSize;
      // Copy out of onnxruntime's buffer so the transfer cannot detach memory it still owns; the
      // padding rows are left behind. The input buffer goes back for the engine to reuse.
      const copy = outputData.slice(0, count * rowLength);
      post({ type: 'result', id, data: copy, dims: [count, ...output.dims.slice(1)], batch }, [copy.buffer, batch]);
    } catch (error) {
      post({ type: 'run-error', id, message: (error as Error).message, batch }, [batch]);
    }
  };
  // Not awaited: a run's failure is posted back from inside; a failed release on close is left to
  // reject unhandled, which ends the worker, and the engine reports that.
  port.on('message', (message: ToWorker) => void onMessage(message));
}

void main();
