import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GpuReading } from '../../../src/profile/telemetry/gpuSampler.js';
import type { HostSample } from '../../../src/profile/telemetry/hostSampler.js';
import { parseNvidiaSmiLine } from '../../../src/profile/telemetry/nvidiaSmi.js';
import {
  GPU_SAMPLING_OFF,
  overallOf,
  startTelemetry,
  summarizeGpu,
  summarizeSamples,
  type Telemetry,
} from '../../../src/profile/telemetry/telemetry.js';
import { isRunning, readFixtureLines, writeFakeNvidiaSmi, type FakeNvidiaSmi } from './fakeNvidiaSmi.js';

const host = (atMs: number, cpuUtilPct: number, rssMiB: number, hostCpuUtilPct?: number): HostSample => ({
  atMs,
  cpuUtilPct,
  rssMiB,
  ...(hostCpuUtilPct !== undefined ? { hostCpuUtilPct } : {}),
});
const gpu = (atMs: number, index: number, fields: Partial<GpuReading>): GpuReading => ({
  atMs,
  index,
  name: 'Tesla T4',
  gpuLost: false,
  ...fields,
});

describe('summarizeSamples', () => {
  const hostSamples = [host(0, 10, 100, 50), host(250, 20, 200, 60), host(500, 30, 300), host(750, 40, 400, 80), host(1000, 50, 500, 90)];

  it('means the host samples in [from, to): the sample at `to` belongs to the next window', () => {
    // In [250, 750): samples at 250 and 500. cpu (20 + 30) / 2 = 25, rss (200 + 300) / 2 = 250,
    // host CPU only from the sample that has it: 60.
    expect(summarizeSamples(hostSamples, [], 250, 750)).toEqual({ cpuUtilPct: 25, hostCpuUtilPct: 60, rssMiB: 250 });
    // Adjacent windows share no sample: [750, 1001) has 750 and 1000.
    expect(summarizeSamples(hostSamples, [], 750, 1001)).toEqual({ cpuUtilPct: 45, hostCpuUtilPct: 85, rssMiB: 450 });
  });

  it('leaves out figures that have no samples in the window', () => {
    expect(summarizeSamples(hostSamples, [], 100, 200)).toEqual({});
    expect(summarizeSamples([], [gpu(150, 0, { utilPct: 70 })], 100, 200)).toEqual({ gpu: { utilPct: 70 } });
  });

  it('summarises the GPU readings in the window only', () => {
    const readings = [gpu(0, 0, { utilPct: 10 }), gpu(300, 0, { utilPct: 40 }), gpu(600, 0, { utilPct: 60 }), gpu(900, 0, { utilPct: 99 })];
    expect(summarizeSamples([], readings, 250, 750).gpu).toEqual({ utilPct: 50 });
  });
});

describe('summarizeGpu', () => {
  it('averages each GPU first, then averages util and clock and adds memory and power over GPUs', () => {
    // GPU 0: util (40 + 60) / 2 = 50, power (100 + 140) / 2 = 120, memory 1000, clock (1500 + 1590) / 2 = 1545.
    // GPU 1: util 80, power 200, memory 3000, clock 1590.
    // Instance: util (50 + 80) / 2 = 65, power 120 + 200 = 320, memory 1000 + 3000 = 4000,
    // clock (1545 + 1590) / 2 = 1567.5. (Averaging the three readings flat would give util 60.)
    const readings = [
      gpu(0, 0, { utilPct: 40, powerW: 100, memoryUsedMiB: 1000, smClockMHz: 1500 }),
      gpu(1, 0, { utilPct: 60, powerW: 140, memoryUsedMiB: 1000, smClockMHz: 1590 }),
      gpu(2, 1, { utilPct: 80, powerW: 200, memoryUsedMiB: 3000, smClockMHz: 1590 }),
    ];
    expect(summarizeGpu(readings)).toEqual({ utilPct: 65, memoryUsedMiB: 4000, powerW: 320, smClockMHz: 1567.5 });
  });

  it('leaves out a field no GPU reported, and gives undefined with no readings', () => {
    expect(summarizeGpu([gpu(0, 0, { utilPct: 30, memoryUsedMiB: 10 }), gpu(0, 1, { utilPct: 50 })])).toEqual({
      utilPct: 40,
      memoryUsedMiB: 10,
    });
    expect(summarizeGpu([gpu(0, 0, {})])).toBeUndefined();
    expect(summarizeGpu([])).toBeUndefined();
  });

  it('summarises the eight busy H100s of the recording as one p5.48xlarge', async () => {
    const lines = await readFixtureLines('h100-p5-48xlarge.csv');
    // Loops at 0, 1000, 2000 ms; the window [1000, 3000) holds the two busy loops.
    const readings = lines.map((line, i) => ({ ...parseNvidiaSmiLine(line)!, atMs: Math.floor(i / 8) * 1000 }));
    const summary = summarizeGpu(readings.filter((reading) => reading.atMs >= 1000));
    // util: (772 + 774) / 16 = 96.625; memory: 8 GPUs x (20417 + 20419) / 2 = 163344;
    // power: (5427.27 + 5467.88) / 2 = 5447.575; clock: (15795 + 15780) / 16 = 1973.4375.
    expect(summary?.utilPct).toBeCloseTo(96.625, 9);
    expect(summary?.memoryUsedMiB).toBeCloseTo(163344, 9);
    expect(summary?.powerW).toBeCloseTo(5447.575, 9);
    expect(summary?.smClockMHz).toBeCloseTo(1973.4375, 9);
  });
});

describe('overallOf', () => {
  it('gives mean process CPU, mean and max RSS, and the GPU over every sample', () => {
    // cpu (10 + 20 + 60) / 3 = 30; rss (100 + 400 + 250) / 3 = 250, max 400.
    expect(overallOf([host(0, 10, 100), host(1, 20, 400), host(2, 60, 250)], [gpu(5, 0, { powerW: 27.34 })])).toEqual({
      cpuPct: 30,
      rssMiB: { mean: 250, max: 400 },
      gpu: { powerW: 27.34 },
    });
    expect(overallOf([], [])).toEqual({});
  });
});

describe('startTelemetry', () => {
  let telemetry: Telemetry | undefined;
  let smi: FakeNvidiaSmi | undefined;
  afterEach(async () => {
    await telemetry?.stop();
    await smi?.remove();
    telemetry = undefined;
    smi = undefined;
  });

  it('combines the host sampler and nvidia-smi, and keeps the samples after stop', async () => {
    smi = await writeFakeNvidiaSmi({ lines: await readFixtureLines('t4-g4dn-xlarge.csv') });
    const current = startTelemetry({ intervalMs: 10, gpu: { command: smi.command } });
    telemetry = current;
    await vi.waitFor(
      () => {
        expect(current.overall().gpu?.smClockMHz).toBe(1320);
        expect(current.overall().cpuPct).toBeDefined();
      },
      { timeout: 15_000, interval: 20 },
    );
    const pid = await smi.pid();
    await current.stop();
    expect(isRunning(pid)).toBe(false);

    const overall = current.overall();
    // The five T4 readings: util (0 + 0 + 64 + 87 + 91) / 5 = 48.4, memory (0 + 1203 * 2 + 1455 * 2) / 5
    // = 1063.2, power (11.32 + 27.34 + 48.71 + 62.09 + 69.8) / 5 = 43.852, clock 6600 / 5 = 1320.
    expect(overall.gpu?.utilPct).toBeCloseTo(48.4, 9);
    expect(overall.gpu?.memoryUsedMiB).toBeCloseTo(1063.2, 9);
    expect(overall.gpu?.powerW).toBeCloseTo(43.852, 9);
    expect(overall.rssMiB!.max).toBeGreaterThanOrEqual(overall.rssMiB!.mean);
    // The whole run as one window gives the same GPU figures.
    expect(current.summarize(0, Number.POSITIVE_INFINITY).gpu).toEqual(overall.gpu);
    expect(current.gpus()).toEqual([{ name: 'Tesla T4', memoryMiB: 15360, driverVersion: '535.183.01' }]);
    expect(current.gpuAbsentReason()).toBeUndefined();
  });

  it('says why there are no GPU figures when nvidia-smi is missing or GPU sampling is off', async () => {
    const missing = startTelemetry({ gpu: { command: '/nonexistent/capacity-plan/nvidia-smi' } });
    await missing.stop();
    expect(missing.gpuAbsentReason()).toBe('nvidia-smi not found: no NVIDIA GPU figures');
    expect(missing.gpus()).toEqual([]);

    const off = startTelemetry({ gpu: false });
    await off.stop();
    expect(off.gpuAbsentReason()).toBe(GPU_SAMPLING_OFF);
    expect(off.overall().gpu).toBeUndefined();
  });

  it('never keeps the process alive or leaves nvidia-smi behind when stop() is never called', async () => {
    smi = await writeFakeNvidiaSmi({ lines: await readFixtureLines('t4-g4dn-xlarge.csv') });
    const script = join(smi.dir, 'forget-to-stop.mjs');
    const telemetryUrl = pathToFileURL(join(import.meta.dirname, '../../../src/profile/telemetry/telemetry.ts')).href;
    await writeFile(
      script,
      `import { startTelemetry } from ${JSON.stringify(telemetryUrl)};
const telemetry = startTelemetry({ intervalMs: 10, gpu: { command: ${JSON.stringify(smi.command)} } });
const started = Date.now();
const poll = setInterval(() => {
  if (telemetry.overall().gpu || Date.now() - started > 10000) {
    clearInterval(poll);
    console.log(JSON.stringify(telemetry.overall().gpu ?? null));
  }
}, 10);
`,
    );
    // If telemetry held the event loop, this would run into the timeout and reject.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 30_000 });
    expect(JSON.parse(stdout)).not.toBeNull();
    expect(isRunning(await smi.pid())).toBe(false);
  });

  it('keeps the process alive while stop() waits for nvidia-smi to go, as the last thing a script does', async () => {
    smi = await writeFakeNvidiaSmi({ lines: await readFixtureLines('t4-g4dn-xlarge.csv') });
    const script = join(smi.dir, 'stop-last.mjs');
    const telemetryUrl = pathToFileURL(join(import.meta.dirname, '../../../src/profile/telemetry/telemetry.ts')).href;
    await writeFile(
      script,
      `import { startTelemetry } from ${JSON.stringify(telemetryUrl)};
const telemetry = startTelemetry({ gpu: { command: ${JSON.stringify(smi.command)} } });
while (!telemetry.overall().gpu) await new Promise((resolve) => setTimeout(resolve, 10));
await telemetry.stop();
console.log('stopped');
`,
    );
    // Node exits with code 13 ("unsettled top-level await") if nothing holds the loop during stop().
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 30_000 });
    expect(stdout.trim()).toBe('stopped');
    expect(isRunning(await smi.pid())).toBe(false);
  });
});
