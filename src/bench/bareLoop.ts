import * as ort from 'onnxruntime-node';

/**
 * The yardstick for harness efficiency: onnxruntime alone, one session, the same batch tensor run
 * back to back with no pipeline, no batcher and no worker hop.
 */
export async function bareLoopThroughput(options: {
  modelPath: string;
  batch: Float32Array;
  batchSize: number;
  itemShape: [number, number, number];
  intraOpNumThreads: number;
  durationMs: number;
}): Promise<{ imagesPerSecond: number; batches: number }> {
  const session = await ort.InferenceSession.create(options.modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const inputName = session.inputNames[0]!;
  const dims = [options.batchSize, ...options.itemShape];
  const run = () => session.run({ [inputName]: new ort.Tensor('float32', options.batch, dims) });
  for (let i = 0; i < 3; i++) await run(); // warm-up, as the pipeline gets
  let batches = 0;
  const start = performance.now();
  while (performance.now() - start < options.durationMs) {
    await run();
    batches += 1;
  }
  const elapsedMs = performance.now() - start;
  await session.release();
  return { imagesPerSecond: (batches * options.batchSize * 1000) / elapsedMs, batches };
}
