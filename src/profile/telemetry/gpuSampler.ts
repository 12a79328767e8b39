import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { GPU_LOST_MARKER, nvidiaSmiArgs, parseNvidiaSmiLine, type NvidiaSmiReading } from './nvidiaSmi.js';

/**
 * GPU telemetry from ONE long-lived `nvidia-smi --query-gpu=... -lms N` process (not one process
 * per sample: starting nvidia-smi takes tens to hundreds of milliseconds and itself loads the
 * driver). Lines are parsed as they stream. When nvidia-smi is missing or dies, the sampler says
 * why in absentReason() and the run goes on without GPU figures.
 */

/** A reading stamped with the sampler's clock at line arrival. */
export interface GpuReading extends NvidiaSmiReading {
  /**
   * performance.now() when the line arrived. nvidia-smi's own timestamp column is not used: it is
   * wall-clock time (subject to NTP steps and skew against performance.now()) and, in practice,
   * coarse; the runner's measurement windows are in the performance.now() time base.
   */
  atMs: number;
}

export interface GpuInfo {
  index: number;
  name: string;
  memoryMiB?: number;
  driverVersion?: string;
}

export interface GpuSamplerOptions {
  /** Sampling interval handed to nvidia-smi's -lms; default 1000. */
  intervalMs?: number;
  /** Path of the nvidia-smi executable; default `nvidia-smi` found on PATH. */
  command?: string;
  /** Monotonic clock in milliseconds; default performance.now. */
  now?: () => number;
}

export interface GpuSampler {
  /** Good readings so far, in arrival order (readings of a lost GPU are not kept). */
  samples(): readonly GpuReading[];
  /** Lines that were not nvidia-smi CSV lines. */
  malformedLines(): number;
  /** Why GPU figures are missing for all or part of the run; undefined while all is well. */
  absentReason(): string | undefined;
  /** The GPUs seen, by index. */
  gpus(): GpuInfo[];
  /** Kills nvidia-smi and waits until it is gone. Safe to call more than once. */
  stop(): Promise<void>;
}

export const NVIDIA_SMI_NOT_FOUND = 'nvidia-smi not found: no NVIDIA GPU figures';

/** How long stop() waits for nvidia-smi to go after SIGTERM before sending SIGKILL. */
const KILL_GRACE_MS = 2000;
/** Enough stderr for the first line of an error message; nvidia-smi's are short. */
const MAX_STDERR_CHARS = 4096;

export function startGpuSampler(options: GpuSamplerOptions = {}): GpuSampler {
  const intervalMs = options.intervalMs ?? 1000;
  const command = options.command ?? 'nvidia-smi';
  const now = options.now ?? (() => performance.now());
  const startedAtMs = now();

  const readings: GpuReading[] = [];
  const infoByIndex = new Map<number, GpuInfo>();
  let malformed = 0;
  let lastMalformedLine: string | undefined;
  let stderr = '';
  let reason: string | undefined;
  let stopping = false;
  // Whether the exit is our doing. Not `stopping`: nvidia-smi may have died on its own just
  // before stop() was called, and that exit still needs its reason.
  let killedByStop = false;

  // First reason wins: a GPU lost mid-run is the story even if nvidia-smi then exits non-zero.
  const setReason = (text: string) => {
    reason ??= text;
  };
  const secondsIn = () => ((now() - startedAtMs) / 1000).toFixed(1);

  const child: ChildProcess = spawn(command, nvidiaSmiArgs(intervalMs), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let resolveExited!: () => void;
  const exited = new Promise<void>((resolve) => {
    resolveExited = resolve;
  });

  // If the caller never stops us (a crash, a forgotten stop()), do not hold the CLI open and do
  // not leave nvidia-smi behind: unref the child and its pipes, and kill it when Node exits.
  const killOnExit = () => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  setRef(child, false);
  setRef(child.stdout, false);
  setRef(child.stderr, false);

  child.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') setReason(NVIDIA_SMI_NOT_FOUND);
    else setReason(`nvidia-smi could not be started: ${error.code ?? error.message}`);
  });

  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (stderr.length < MAX_STDERR_CHARS) stderr += chunk;
  });

  if (child.stdout) {
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const atMs = now();
      if (line.trim() === '') return;
      const reading = parseNvidiaSmiLine(line);
      if (!reading) {
        malformed += 1;
        lastMalformedLine = line.trim();
        return;
      }
      if (reading.gpuLost) {
        setReason(`GPU lost mid-run at ${secondsIn()} s of sampling (GPU ${reading.index}: ${reading.name})`);
        return;
      }
      readings.push({ ...reading, atMs });
      if (!infoByIndex.has(reading.index)) {
        infoByIndex.set(reading.index, {
          index: reading.index,
          name: reading.name,
          ...(reading.memoryTotalMiB !== undefined ? { memoryMiB: reading.memoryTotalMiB } : {}),
          ...(reading.driverVersion !== undefined ? { driverVersion: reading.driverVersion } : {}),
        });
      }
    });
  }

  // 'close' comes after stdout has ended, so every line has been parsed before we judge the exit.
  let closed = false;
  child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
    closed = true;
    process.removeListener('exit', killOnExit);
    if (!killedByStop) {
      // nvidia-smi prints some failures ("No devices were found") on stdout, not stderr.
      const message = firstLine(stderr) ?? lastMalformedLine;
      if (message?.includes(GPU_LOST_MARKER.slice(1, -1))) {
        setReason(`GPU lost mid-run at ${secondsIn()} s of sampling: ${message}`);
      } else if (code !== null) {
        setReason(`nvidia-smi exited with code ${code}${message ? `: ${message}` : ''}`);
      } else {
        setReason(`nvidia-smi was killed by ${signal ?? 'a signal'}${message ? `: ${message}` : ''}`);
      }
    }
    resolveExited();
  });

  return {
    samples: () => readings,
    malformedLines: () => malformed,
    absentReason: () => reason,
    gpus: () => [...infoByIndex.values()].sort((a, b) => a.index - b.index),
    async stop() {
      if (!stopping) {
        stopping = true;
        // Awaiting an unref'd child would let Node exit mid-await (an unsettled promise), so hold
        // the event loop again until it is gone.
        if (!closed) {
          setRef(child, true);
          setRef(child.stdout, true);
          setRef(child.stderr, true);
        }
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          killedByStop = true;
          child.kill('SIGTERM');
          const forceKill = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
          forceKill.unref();
          void exited.then(() => clearTimeout(forceKill));
        }
      }
      await exited;
    },
  };
}

function firstLine(text: string): string | undefined {
  const line = text.split(/\r?\n/).find((candidate) => candidate.trim() !== '');
  return line?.trim();
}

/** ref/unref a child or one of its pipes (net.Sockets at run time; the Readable type hides it). */
function setRef(handle: unknown, ref: boolean): void {
  const target = handle as { ref?: () => void; unref?: () => void } | null;
  if (ref) target?.ref?.();
  else target?.unref?.();
}
