import * as ort from 'onnxruntime-node';
import { DEFAULT_ALLOW_SPINNING } from '../model/engine.js';
import { sessionOptions } from '../model/sessionOptions.js';

/**
 * The yardstick for harness efficiency: onnxruntime alone, one session, the same batch tensor run
 * back to back on this thread, with no pipeline, no batcher and no worker hop. The session is
 * built by the same function as the engine's (src/model/sessionOptions.ts), with the same threads.
 */
export interface BareLoopOptions {
  modelPath: string;
  batch: Float32Array;
  batchSize: number;
  itemShape: [number, number, number];
  intraOpNumThreads: number;
  /** Default: the engine's default. */
  allowSpinning?: boolean;
  /**
   * When given, every run first copies the next batchSize of these items into the batch (cycling
   * through them): the bare loop plus the one copy per item that any batching server must make.
   */
  assembleFrom?: Float32Array[];
}

export interface BareLoop {
  /**
   * Runs batches back to back for about durationMs and returns images per second, timed from the
   * end of a first (untimed) batch to the end of the last: whole batches, no quantisation error.
   */
  measure(durationMs: number): Promise<{ imagesPerSecond: number; batches: number }>;
  close(): Promise<void>;
}

/** One session, opened once and warmed up (as the pipeline's instances are), measured many times. */
export async function openBareLoop(options: BareLoopOptions): Promise<BareLoop> {
  const session = await ort.InferenceSession.create(
    options.modelPath,
    sessionOptions({
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: options.intraOpNumThreads,
      interOpNumThreads: 1,
      allowSpinning: options.allowSpinning ?? DEFAULT_ALLOW_SPINNING,
    }),
  );
  const inputName = session.inputNames[0]!;
  const dims = [options.batchSize, ...options.itemShape];
  const { batch, batchSize, assembleFrom } = options;
  const itemLength = batch.length / batchSize;
  let next = 0;
  const run = () => {
    if (assembleFrom) {
      for (let i = 0; i < batchSize; i++) batch.set(assembleFrom[next++ % assembleFrom.length]!, i * itemLength);
    }
    return session.run({ [inputName]: new ort.Tensor('float32', batch, dims) });
  };
  for (let i = 0; i < 3; i++) await run(); // warm-up, as the pipeline gets
  return {
    async measure(durationMs) {
      await run();
      const start = performance.now();
      let end = start;
      let batches = 0;
      while (end - start < durationMs) {
        await run();
        batches += 1;
        end = performance.now();
      }
      return { imagesPerSecond: (batches * options.batchSize * 1000) / (end - start), batches };
    },
    close: () => session.release(),
  };
}

/** One measurement with a session of its own. */
export async function bareLoopThroughput(options: BareLoopOptions & { durationMs: number }): Promise<{ imagesPerSecond: number; batches: number }> {
  const loop = await openBareLoop(options);
  try {
    return await loop.measure(options.durationMs);
  } finally {
    await loop.close();
  }
}
