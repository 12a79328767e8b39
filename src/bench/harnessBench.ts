import { encodeClientRequest, tensorFromBody } from '../serving/images/clientRequest.js';
import { loadImageCorpus } from '../profile/corpus/imageCorpus.js';
import { realClock } from '../util/clock.js';
import { runLoad } from '../profile/core/loadExecutor.js';
import { loadPreset } from '../profile/presets.js';
import { openServingPipeline, type ServingPipeline } from '../serving/servingPipeline.js';
import type { WireRequest } from '../serving/stage.js';
import { preprocessConfigFrom } from '../serving/stages/configLoad.js';
import { ProfileSpec, type ProfileSpecInput } from '../schema/profileSpec.js';
import { openBareLoop } from './bareLoop.js';
import { median } from '../util/median.js';

/**
 * harnessEfficiency.<model>: images per second through the thin in-process pipeline (the
 * triton-dynamic preset: cached config, memory spool, log off, Triton dynamic batching) with
 * client-side preprocessing (requests are ready tensors), over images per second of a bare
 * onnxruntime loop (./bareLoop.ts) on the same tensors, at the same batch size, with the same
 * session settings (intra-op threads included). Target: >= 0.95, i.e. the harness costs at most 5%
 * of what the model alone can do.
 *
 * Both sides are measured in the same process in alternating rounds (bare, pipeline, then
 * pipeline, bare, ...); the figure is the median over the rounds of pipeline / bare, each ratio
 * taken from two measurements made back to back, so a neighbour's load on a shared machine hits
 * both sides of it.
 *
 * The batch size is forced so both sides run the same one: max batch = preferred = B, one model
 * instance, and the closed loop keeps 2 x B x instances requests outstanding so every batch the
 * batcher forms is full (the figures include the mean batch size the pipeline dispatched).
 *
 * Supporting figures (tiny): the bare loop with batch assembly (copying each batch together from
 * the request tensors, as any batching server must) separates that one copy from the rest of the
 * harness; the bare loop with onnxruntime's default spin-waiting shows what the engine's choice to
 * turn spinning off does to the yardstick.
 */

export type HarnessModel = 'tiny' | 'resnet50';

export interface HarnessBenchOptions {
  model: HarnessModel;
  /** $CAPACITY_PLAN_HOME: built-in models and the synthetic corpus are cached there. */
  home: string;
  cwd: string;
  batchSize: number;
  intraOpNumThreads: number;
  rounds: number;
  /** Measured time per round per side. */
  measureMs: number;
  /** Pipeline ramp-up before each round's measurement (the bare loop warms with whole batches). */
  warmMs: number;
  /** Also measure the bare loop with batch assembly (see HarnessFigures.bareAssembledRps). */
  withAssembly?: boolean;
  /** Also measure the bare loop with onnxruntime's default spin-waiting (see HarnessFigures.bareSpinningRps). */
  withSpinning?: boolean;
  log?: (line: string) => void;
}

export interface HarnessFigures {
  model: HarnessModel;
  batchSize: number;
  intraOpNumThreads: number;
  instances: number;
  concurrency: number;
  rounds: number;
  measureMsPerRound: number;
  /** Medians over the rounds, images per second. */
  bareRps: number;
  pipelineRps: number;
  /** The bare loop that also copies each batch together from the request tensors (tiny only). */
  bareAssembledRps?: number;
  /**
   * The bare loop with onnxruntime's default of spin-waiting intra-op threads (tiny only). The
   * engine turns spinning off (src/model/engine.ts DEFAULT_ALLOW_SPINNING) and the bare loop of the
   * figure does the same; this says what onnxruntime's own default would do on this machine.
   */
  bareSpinningRps?: number;
  bareRpsRounds: number[];
  pipelineRpsRounds: number[];
  bareAssembledRpsRounds?: number[];
  bareSpinningRpsRounds?: number[];
  /** Mean size of the batches the pipeline dispatched while measured (should equal batchSize). */
  pipelineMeanBatchSize: number;
  pipelineFailed: number;
  /** Median over the rounds of pipeline / bare measured back to back: the figure. */
  efficiency: number;
  /** Median pipeline over median bare (the same ratio, less robust to drifting load). */
  efficiencyOfMedians: number;
  /** Median over the rounds of pipeline / bare-with-assembly: the harness beyond the one copy. */
  efficiencyVsAssembled?: number;
  /** Median over the rounds of pipeline / bare-with-spinning. */
  efficiencyVsSpinning?: number;
}

/**
 * The defaults `npm run bench` uses: 10 rounds of 0.5 s per side for tiny (5 s), 7 rounds of 2 s
 * per side for ResNet-50 (14 s, about 5 batches of 8 a round at ~20 images/s: more, shorter
 * rounds than that, and a neighbour's burst spoils fewer of them).
 */
export const HARNESS_DEFAULTS: Record<HarnessModel, Pick<HarnessBenchOptions, 'batchSize' | 'intraOpNumThreads' | 'rounds' | 'measureMs' | 'warmMs' | 'withAssembly' | 'withSpinning'>> = {
  tiny: { batchSize: 8, intraOpNumThreads: 2, rounds: 10, measureMs: 500, warmMs: 200, withAssembly: true, withSpinning: true },
  resnet50: { batchSize: 8, intraOpNumThreads: 2, rounds: 7, measureMs: 2000, warmMs: 400 },
};

/** The thin preset with client-side tensors and the batch size forced to B. */
export async function harnessSpec(model: HarnessModel, batchSize: number, intraOpNumThreads: number, cwd: string): Promise<ProfileSpec> {
  const { spec: preset } = await loadPreset('triton-dynamic', cwd);
  const instances = 1;
  const input: ProfileSpecInput = {
    ...preset,
    name: `bench-harness-${model}`,
    model: { source: model },
    engine: { ...preset.engine, instances, intraOpNumThreads },
    pipeline: { ...preset.pipeline, preprocess: { ...preset.pipeline?.preprocess, where: 'client' } },
    batching: { policy: 'triton', maxBatchSize: batchSize, preferredBatchSizes: [batchSize], maxQueueDelayUs: 1000 },
    load: { kind: 'closed-loop', concurrency: 2 * batchSize * instances },
  };
  return ProfileSpec.parse(input);
}

export async function benchHarnessEfficiency(options: HarnessBenchOptions): Promise<HarnessFigures> {
  const log = options.log ?? (() => {});
  const { batchSize, intraOpNumThreads } = options;
  const spec = await harnessSpec(options.model, batchSize, intraOpNumThreads, options.cwd);
  const concurrency = spec.load.kind === 'closed-loop' ? spec.load.concurrency : 2 * batchSize;
  const closers: (() => Promise<void>)[] = [];
  try {
    const serving = await openServingPipeline({ spec, home: options.home, clock: realClock });
    closers.push(() => serving.close());
    const itemShape = serving.engine.signature.itemShape;
    const requests = await clientRequests(spec, itemShape, options.home);
    const tensors = requests.map((r) => tensorFromBody(r.body)!);
    // The bare loop runs the first B of the very tensors the pipeline's requests carry.
    const itemLength = itemShape[0] * itemShape[1] * itemShape[2];
    const batch = new Float32Array(itemLength * batchSize);
    for (let i = 0; i < batchSize; i++) batch.set(tensors[i % tensors.length]!, i * itemLength);
    const common = { modelPath: serving.modelPath, batchSize, itemShape, intraOpNumThreads };
    const bare = await openBareLoop({ ...common, batch });
    closers.push(() => bare.close());
    const assembled = options.withAssembly ? await openBareLoop({ ...common, batch: new Float32Array(batch.length), assembleFrom: tensors }) : undefined;
    if (assembled) closers.push(() => assembled.close());
    const spinning = options.withSpinning ? await openBareLoop({ ...common, batch, allowSpinning: true }) : undefined;
    if (spinning) closers.push(() => spinning.close());

    // Warm the pipeline's instance (JIT, onnxruntime's first runs) before anything is measured.
    await measurePipeline(serving, requests, concurrency, options.warmMs, options.warmMs);
    const bareRounds: number[] = [];
    const pipelineRounds: number[] = [];
    const assembledRounds: number[] = [];
    const spinningRounds: number[] = [];
    const batchSizes = new Map<number, number>();
    let failed = 0;
    const sides: (() => Promise<void>)[] = [
      async () => {
        bareRounds.push((await bare.measure(options.measureMs)).imagesPerSecond);
      },
      async () => {
        const p = await measurePipeline(serving, requests, concurrency, options.warmMs, options.measureMs);
        pipelineRounds.push(p.imagesPerSecond);
        failed += p.failed;
        for (const [size, count] of p.batchSizes) batchSizes.set(size, (batchSizes.get(size) ?? 0) + count);
      },
      ...(assembled
        ? [
            async () => {
              assembledRounds.push((await assembled.measure(options.measureMs)).imagesPerSecond);
            },
          ]
        : []),
      ...(spinning
        ? [
            async () => {
              spinningRounds.push((await spinning.measure(options.measureMs)).imagesPerSecond);
            },
          ]
        : []),
    ];
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which side goes first, so neither always runs right after the other.
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) await side();
      const extra =
        (assembled ? `, bare+assembly ${assembledRounds[round]!.toFixed(1)}` : '') + (spinning ? `, bare spinning ${spinningRounds[round]!.toFixed(1)}` : '');
      log(`  ${options.model} round ${round + 1}/${options.rounds}: bare ${bareRounds[round]!.toFixed(1)}, pipeline ${pipelineRounds[round]!.toFixed(1)}${extra} images/s`);
    }
    const ratios = pipelineRounds.map((p, i) => p / bareRounds[i]!);
    const batchCount = [...batchSizes.values()].reduce((a, b) => a + b, 0);
    const batchItems = [...batchSizes].reduce((a, [size, count]) => a + size * count, 0);
    return {
      model: options.model,
      batchSize,
      intraOpNumThreads,
      instances: spec.engine.instances,
      concurrency,
      rounds: options.rounds,
      measureMsPerRound: options.measureMs,
      bareRps: round2(median(bareRounds)),
      pipelineRps: round2(median(pipelineRounds)),
      ...(assembled ? { bareAssembledRps: round2(median(assembledRounds)) } : {}),
      bareRpsRounds: bareRounds.map(round2),
      pipelineRpsRounds: pipelineRounds.map(round2),
      ...(spinning ? { bareSpinningRps: round2(median(spinningRounds)) } : {}),
      ...(assembled ? { bareAssembledRpsRounds: assembledRounds.map(round2) } : {}),
      ...(spinning ? { bareSpinningRpsRounds: spinningRounds.map(round2) } : {}),
      pipelineMeanBatchSize: batchCount > 0 ? round2(batchItems / batchCount) : 0,
      pipelineFailed: failed,
      efficiency: round3(median(ratios)),
      efficiencyOfMedians: round3(median(pipelineRounds) / median(bareRounds)),
      ...(assembled ? { efficiencyVsAssembled: round3(median(pipelineRounds.map((p, i) => p / assembledRounds[i]!))) } : {}),
      ...(spinning ? { efficiencyVsSpinning: round3(median(pipelineRounds.map((p, i) => p / spinningRounds[i]!))) } : {}),
    };
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

/** The corpus as client-side (thin-server) requests: decoded and normalised before the clock runs. */
async function clientRequests(spec: ProfileSpec, itemShape: [number, number, number], home: string): Promise<WireRequest[]> {
  const images = await loadImageCorpus(spec.images, home);
  const config = preprocessConfigFrom(spec, itemShape);
  return Promise.all(images.map((img) => encodeClientRequest(img.bytes, config)));
}

/**
 * Drives the pipeline closed-loop for warmMs + measureMs and returns images per second over the
 * measured part, from its first completion to its last (completions arrive a batch at a time, so
 * the first batch's items open the interval and are not counted in it).
 */
async function measurePipeline(
  serving: ServingPipeline,
  requests: WireRequest[],
  concurrency: number,
  warmMs: number,
  measureMs: number,
): Promise<{ imagesPerSecond: number; failed: number; batchSizes: Map<number, number> }> {
  const startMs = realClock.nowMs();
  const fromMs = startMs + warmMs;
  const untilMs = fromMs + measureMs;
  const completions: number[] = [];
  const batchSizes = new Map<number, number>();
  let failed = 0;
  const unsubscribe = serving.onBatch((size) => {
    const now = realClock.nowMs();
    if (now >= fromMs && now <= untilMs) batchSizes.set(size, (batchSizes.get(size) ?? 0) + 1);
  });
  await runLoad({
    load: { kind: 'closed-loop', concurrency },
    durationMs: warmMs + measureMs,
    clock: realClock,
    send: async (intendedAtMs, seq) => {
      const outcome = await serving.pipeline.handle(requests[seq % requests.length]!, intendedAtMs);
      if (!outcome.ok) failed += 1;
      else if (outcome.completedAtMs >= fromMs && outcome.completedAtMs <= untilMs) completions.push(outcome.completedAtMs);
    },
  });
  unsubscribe();
  return { imagesPerSecond: rateFromCompletions(completions), failed, batchSizes };
}

/**
 * Completions per second between the first completion and the last. The completions at the very
 * first instant (within 0.5 ms: one batch's items) only open the interval.
 */
export function rateFromCompletions(times: number[]): number {
  if (times.length < 2) return 0;
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  if (last <= first) return 0;
  let opening = 0;
  while (opening < sorted.length && sorted[opening]! - first <= 0.5) opening++;
  return ((sorted.length - opening) * 1000) / (last - first);
}


const round2 = (x: number): number => Math.round(x * 100) / 100;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
