import type { GpuSample } from '../../schema/profileResult.js';
import { startGpuSampler, type GpuReading, type GpuSampler } from './gpuSampler.js';
import { startHostSampler, type HostSample, type HostSampler } from './hostSampler.js';

/**
 * Telemetry for a profile run: the host sampler and the GPU sampler side by side, summarised per
 * measurement window and over the whole run. All timestamps are performance.now() milliseconds,
 * the time base the runner's windows use.
 */

export interface TelemetrySummary {
  cpuUtilPct?: number;
  hostCpuUtilPct?: number;
  rssMiB?: number;
  gpu?: GpuSample;
}

export interface TelemetryOverall {
  cpuPct?: number;
  rssMiB?: { mean: number; max: number };
  gpu?: GpuSample;
}

export interface TelemetryOptions {
  /** Host sampling interval; default 250. */
  intervalMs?: number;
  /** GPU sampling via nvidia-smi; default true. intervalMs here is nvidia-smi's, default 1000. */
  gpu?: boolean | { command?: string; intervalMs?: number };
}

export interface Telemetry {
  /** Means over the samples taken in [fromMs, toMs); a figure without samples there is absent. */
  summarize(fromMs: number, toMs: number): TelemetrySummary;
  /** Over every sample of the run. */
  overall(): TelemetryOverall;
  gpuAbsentReason(): string | undefined;
  gpus(): { name: string; memoryMiB?: number; driverVersion?: string }[];
  /** Stops sampling; the samples taken stay available to summarize() and overall(). */
  stop(): Promise<void>;
}

export const GPU_SAMPLING_OFF = 'GPU sampling turned off';

export function startTelemetry(options: TelemetryOptions = {}): Telemetry {
  const host: HostSampler = startHostSampler(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {});
  const gpuOption = options.gpu ?? true;
  const gpu: GpuSampler | undefined =
    gpuOption === false ? undefined : startGpuSampler(gpuOption === true ? {} : gpuOption);
  let stopping: Promise<void> | undefined;

  return {
    summarize: (fromMs, toMs) => summarizeSamples(host.samples(), gpu?.samples() ?? [], fromMs, toMs),
    overall: () => overallOf(host.samples(), gpu?.samples() ?? []),
    gpuAbsentReason: () => (gpu ? gpu.absentReason() : GPU_SAMPLING_OFF),
    gpus: () =>
      (gpu?.gpus() ?? []).map(({ name, memoryMiB, driverVersion }) => ({
        name,
        ...(memoryMiB !== undefined ? { memoryMiB } : {}),
        ...(driverVersion !== undefined ? { driverVersion } : {}),
      })),
    stop() {
      stopping ??= (async () => {
        host.stop();
        await gpu?.stop();
      })();
      return stopping;
    },
  };
}

/** Means of the host and GPU samples whose atMs falls in [fromMs, toMs). */
export function summarizeSamples(
  host: readonly HostSample[],
  gpu: readonly GpuReading[],
  fromMs: number,
  toMs: number,
): TelemetrySummary {
  // Half-open, so a sample on the boundary of two adjacent windows counts in one of them only.
  const inWindow = (atMs: number) => atMs >= fromMs && atMs < toMs;
  const hostIn = host.filter((sample) => inWindow(sample.atMs));
  const summary: TelemetrySummary = {};
  const cpuUtilPct = mean(hostIn.map((sample) => sample.cpuUtilPct));
  if (cpuUtilPct !== undefined) summary.cpuUtilPct = cpuUtilPct;
  const hostCpuUtilPct = mean(hostIn.map((sample) => sample.hostCpuUtilPct));
  if (hostCpuUtilPct !== undefined) summary.hostCpuUtilPct = hostCpuUtilPct;
  const rssMiB = mean(hostIn.map((sample) => sample.rssMiB));
  if (rssMiB !== undefined) summary.rssMiB = rssMiB;
  const gpuSummary = summarizeGpu(gpu.filter((reading) => inWindow(reading.atMs)));
  if (gpuSummary) summary.gpu = gpuSummary;
  return summary;
}

/** The whole run: mean process CPU, mean and max RSS, GPU as in summarizeGpu. */
export function overallOf(host: readonly HostSample[], gpu: readonly GpuReading[]): TelemetryOverall {
  const overall: TelemetryOverall = {};
  const cpuPct = mean(host.map((sample) => sample.cpuUtilPct));
  if (cpuPct !== undefined) overall.cpuPct = cpuPct;
  const rss = host.map((sample) => sample.rssMiB);
  const rssMean = mean(rss);
  if (rssMean !== undefined) overall.rssMiB = { mean: rssMean, max: rss.reduce((max, value) => Math.max(max, value)) };
  const gpuSummary = summarizeGpu(gpu);
  if (gpuSummary) overall.gpu = gpuSummary;
  return overall;
}

/**
 * One GpuSample for the instance as a whole, from readings of one or more GPUs: each GPU's mean
 * first (so a GPU sampled more often does not weigh more), then utilisation and SM clock averaged
 * over the GPUs, memory used and power added up (what the instance uses and draws). A field no
 * GPU reported is absent; undefined when there is no field at all.
 *
 * Worked example: GPU 0 at 40 % and 60 % util, 100 W and 140 W; GPU 1 at 80 % util, 200 W:
 * util (50 + 80) / 2 = 65 %, power 120 + 200 = 320 W.
 */
export function summarizeGpu(readings: readonly GpuReading[]): GpuSample | undefined {
  const byIndex = new Map<number, GpuReading[]>();
  for (const reading of readings) {
    const list = byIndex.get(reading.index);
    if (list) list.push(reading);
    else byIndex.set(reading.index, [reading]);
  }
  const perGpu = [...byIndex.values()].map((list) => ({
    utilPct: mean(list.map((reading) => reading.utilPct)),
    memoryUsedMiB: mean(list.map((reading) => reading.memoryUsedMiB)),
    powerW: mean(list.map((reading) => reading.powerW)),
    smClockMHz: mean(list.map((reading) => reading.smClockMHz)),
  }));
  const sample: GpuSample = {};
  const utilPct = mean(perGpu.map((gpu) => gpu.utilPct));
  if (utilPct !== undefined) sample.utilPct = utilPct;
  const memoryUsedMiB = sum(perGpu.map((gpu) => gpu.memoryUsedMiB));
  if (memoryUsedMiB !== undefined) sample.memoryUsedMiB = memoryUsedMiB;
  const powerW = sum(perGpu.map((gpu) => gpu.powerW));
  if (powerW !== undefined) sample.powerW = powerW;
  const smClockMHz = mean(perGpu.map((gpu) => gpu.smClockMHz));
  if (smClockMHz !== undefined) sample.smClockMHz = smClockMHz;
  return Object.keys(sample).length > 0 ? sample : undefined;
}

function defined(values: readonly (number | undefined)[]): number[] {
  return values.filter((value): value is number => value !== undefined);
}

/** Mean of the defined values; undefined when there are none. */
function mean(values: readonly (number | undefined)[]): number | undefined {
  const present = defined(values);
  return present.length > 0 ? present.reduce((total, value) => total + value, 0) / present.length : undefined;
}

/** Sum of the defined values; undefined when there are none. */
function sum(values: readonly (number | undefined)[]): number | undefined {
  const present = defined(values);
  return present.length > 0 ? present.reduce((total, value) => total + value, 0) : undefined;
}
