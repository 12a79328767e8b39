/**
 * One model instance: a worker thread that owns one onnxruntime session. session.run() blocks its
 * thread for the whole inference, so it must never run on the main event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { EngineWorkerData, ToWorker, FromWorker, ValueInfo } from './engineProtocol.js';

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
    session = await ort.InferenceSession.create(data.modelPath, {
      executionProviders: data.executionProviders as ort.InferenceSession.ExecutionProviderConfig[],
      graphOptimizationLevel: data.graphOptimizationLevel,
      intraOpNumThreads: data.intraOpNumThreads,
      interOpNumThreads: data.interOpNumThreads,
      executionMode: 'sequential',
    });
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

  port.on('message', async (message: ToWorker) => {
    if (message.type === 'close') {
      await session.release();
      port.close();
      return;
    }
    try {
      const { tensors, itemShape } = message;
      const itemLength = tensors[0]!.length;
      // Concatenate here, off the main thread: the main loop only copies each request's tensor once.
      const batch = new Float32Array(itemLength * tensors.length);
      tensors.forEach((t, i) => batch.set(t, i * itemLength));
      const input = new ort.Tensor('float32', batch, [tensors.length, ...itemShape]);
      const results = await session.run({ [inputName]: input });
      const output = results[outputName]!;
      const outputData = output.data as Float32Array;
      // Copy out of onnxruntime's buffer so the transfer cannot detach memory it still owns.
      const copy = new Float32Array(outputData);
      post({ type: 'result', id: message.id, data: copy, dims: [...output.dims] }, [copy.buffer]);
    } catch (error) {
      post({ type: 'run-error', id: message.id, message: (error as Error).message });
    }
  });
}

void main();
