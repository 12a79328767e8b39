import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NVIDIA_SMI_NOT_FOUND, startGpuSampler, type GpuSampler } from '../../../src/profile/telemetry/gpuSampler.js';
import { nvidiaSmiArgs } from '../../../src/profile/telemetry/nvidiaSmi.js';
import { isRunning, readFixtureLines, writeFakeNvidiaSmi, type FakeNvidiaSmi } from './fakeNvidiaSmi.js';

// Generous: the machine is shared; these bound a hang, they do not measure anything.
const WAIT = { timeout: 15_000, interval: 20 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function fake(script: Parameters<typeof writeFakeNvidiaSmi>[0]): Promise<FakeNvidiaSmi> {
  const smi = await writeFakeNvidiaSmi(script);
  cleanups.push(smi.remove);
  return smi;
}

function track(sampler: GpuSampler): GpuSampler {
  cleanups.push(() => sampler.stop());
  return sampler;
}

describe('startGpuSampler with a fake nvidia-smi', () => {
  it('finds nvidia-smi on PATH, streams and parses its lines, and kills it on stop', async () => {
    const lines = await readFixtureLines('t4-g4dn-xlarge.csv');
    const smi = await fake({ lines });
    vi.stubEnv('PATH', `${smi.dir}:${process.env.PATH ?? ''}`);
    const before = performance.now();
    const sampler = track(startGpuSampler());

    await vi.waitFor(() => expect(sampler.samples()).toHaveLength(5), WAIT);
    const after = performance.now();
    expect(await smi.args()).toEqual(nvidiaSmiArgs(1000));
    expect(sampler.samples().map((sample) => sample.powerW)).toEqual([11.32, 27.34, 48.71, 62.09, 69.8]);
    // Stamped with performance.now() at arrival, in order.
    const stamps = sampler.samples().map((sample) => sample.atMs);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(stamps[0]).toBeGreaterThanOrEqual(before);
    expect(stamps[4]).toBeLessThanOrEqual(after);
    expect(sampler.gpus()).toEqual([{ index: 0, name: 'Tesla T4', memoryMiB: 15360, driverVersion: '535.183.01' }]);

    const pid = await smi.pid();
    expect(isRunning(pid)).toBe(true);
    await sampler.stop();
    expect(isRunning(pid)).toBe(false);
    // Being stopped by us is not a reason for missing figures.
    expect(sampler.absentReason()).toBeUndefined();
    await sampler.stop();
  });

  it('runs the given command with the given interval and lists every GPU of an 8-GPU host', async () => {
    const smi = await fake({ lines: await readFixtureLines('h100-p5-48xlarge.csv'), intervalMs: 2 });
    const sampler = track(startGpuSampler({ command: smi.command, intervalMs: 500 }));
    await vi.waitFor(() => expect(sampler.samples()).toHaveLength(24), WAIT);
    expect((await smi.args()).slice(-2)).toEqual(['-lms', '500']);
    expect(sampler.gpus().map((gpu) => gpu.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sampler.gpus()[7]).toEqual({ index: 7, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driverVersion: '550.90.07' });
    expect(sampler.absentReason()).toBeUndefined();
  });

  it('uses the injected clock for timestamps', async () => {
    const smi = await fake({ lines: (await readFixtureLines('t4-g4dn-xlarge.csv')).slice(0, 2) });
    let tick = 1000;
    const sampler = track(startGpuSampler({ command: smi.command, now: () => (tick += 1) }));
    await vi.waitFor(() => expect(sampler.samples()).toHaveLength(2), WAIT);
    expect(sampler.samples().map((sample) => sample.atMs)).toEqual([1002, 1003]);
  });

  it('counts malformed lines and keeps the good ones', async () => {
    const good = await readFixtureLines('t4-g4dn-xlarge.csv');
    const bad = await readFixtureLines('malformed.txt');
    const smi = await fake({ lines: [good[0]!, bad[1]!, '', bad[2]!, good[1]!] });
    const sampler = track(startGpuSampler({ command: smi.command }));
    await vi.waitFor(() => expect(sampler.samples()).toHaveLength(2), WAIT);
    // The blank line is not counted.
    expect(sampler.malformedLines()).toBe(2);
  });

  it('reports nvidia-smi exiting mid-run with its code and the first line of stderr, keeping earlier samples', async () => {
    const smi = await fake({
      lines: (await readFixtureLines('t4-g4dn-xlarge.csv')).slice(0, 2),
      exit: {
        code: 9,
        stderr:
          "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\nsecond line\n",
      },
    });
    const sampler = track(startGpuSampler({ command: smi.command }));
    await vi.waitFor(() => expect(sampler.absentReason()).toBeDefined(), WAIT);
    expect(sampler.absentReason()).toBe(
      "nvidia-smi exited with code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    );
    expect(sampler.samples()).toHaveLength(2);
    await sampler.stop();
  });

  it('reports a message nvidia-smi printed on stdout when stderr is empty', async () => {
    const smi = await fake({ lines: ['No devices were found'], exit: { code: 6 } });
    const sampler = track(startGpuSampler({ command: smi.command }));
    await vi.waitFor(() => expect(sampler.absentReason()).toBeDefined(), WAIT);
    expect(sampler.absentReason()).toBe('nvidia-smi exited with code 6: No devices were found');
    expect(sampler.malformedLines()).toBe(1);
    expect(sampler.samples()).toEqual([]);
  });

  it('reports a GPU lost mid-run from [GPU is lost] lines, keeps the other GPUs, and the exit does not overwrite it', async () => {
    const smi = await fake({
      lines: await readFixtureLines('gpu-lost-g4dn-12xlarge.csv'),
      exit: { code: 15, stderr: 'Unable to determine the device handle for GPU 0000:00:1E.0: GPU is lost.  Reboot the system to recover this GPU\n' },
    });
    const sampler = track(startGpuSampler({ command: smi.command }));
    await vi.waitFor(() => expect(sampler.samples()).toHaveLength(7), WAIT);
    await sampler.stop();
    expect(sampler.absentReason()).toMatch(/^GPU lost mid-run at \d+\.\d s of sampling \(GPU 2: unknown GPU\)$/);
    expect(sampler.samples().map((sample) => sample.index)).toEqual([0, 1, 2, 3, 0, 1, 3]);
  });

  it('reports a GPU lost mid-run from nvidia-smi exiting with the lost-GPU message', async () => {
    const smi = await fake({
      lines: (await readFixtureLines('t4-g4dn-xlarge.csv')).slice(0, 3),
      exit: { code: 15, stderr: 'Unable to determine the device handle for GPU 0000:00:1E.0: GPU is lost.  Reboot the system to recover this GPU\n' },
    });
    const sampler = track(startGpuSampler({ command: smi.command }));
    await vi.waitFor(() => expect(sampler.absentReason()).toBeDefined(), WAIT);
    expect(sampler.absentReason()).toMatch(
      /^GPU lost mid-run at \d+\.\d s of sampling: Unable to determine the device handle for GPU 0000:00:1E\.0: GPU is lost\./,
    );
    expect(sampler.samples()).toHaveLength(3);
  });
});

describe('startGpuSampler without nvidia-smi', () => {
  it('says nvidia-smi was not found when the command does not exist', async () => {
    const sampler = track(startGpuSampler({ command: join(tmpdir(), 'no-such-dir-for-capacity-plan', 'nvidia-smi') }));
    await vi.waitFor(() => expect(sampler.absentReason()).toBeDefined(), WAIT);
    expect(sampler.absentReason()).toBe(NVIDIA_SMI_NOT_FOUND);
    expect(sampler.gpus()).toEqual([]);
    await sampler.stop();
  });

  it('says nvidia-smi was not found when it is not on PATH, even if stopped at once', async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), 'empty-path-'));
    cleanups.push(() => rm(emptyDir, { recursive: true, force: true }));
    vi.stubEnv('PATH', emptyDir);
    const sampler = startGpuSampler();
    await sampler.stop();
    expect(sampler.absentReason()).toBe(NVIDIA_SMI_NOT_FOUND);
  });
});
