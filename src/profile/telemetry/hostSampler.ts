import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/**
 * Host telemetry: this process's CPU use, the whole host's CPU use, and this process's RSS.
 *
 * process.cpuUsage() and process.memoryUsage.rss() are process-wide (getrusage(RUSAGE_SELF) and
 * /proc/self), so the worker threads that run inference and preprocessing are included without
 * asking them. Child processes (nvidia-smi itself, a separate HTTP server) are not.
 */

/** What is read at one instant; CPU figures are cumulative counters, turned into rates by pairs. */
export interface HostSnapshot {
  /** Monotonic clock, milliseconds. */
  atMs: number;
  /** User + system CPU time of this process since it started, microseconds. */
  processCpuMicros: number;
  /** Sum over all logical CPUs of idle and of total time since boot, milliseconds. */
  hostIdleMs: number;
  hostTotalMs: number;
  rssBytes: number;
}

export interface HostSample {
  /** The end of the interval the CPU figures are averaged over (when the RSS was read). */
  atMs: number;
  /** This process's CPU time / wall time / logical cores, percent of the whole host. */
  cpuUtilPct: number;
  /** Whole-host busy time / total time over all logical CPUs, percent; absent if not counted. */
  hostCpuUtilPct?: number;
  rssMiB: number;
}

const BYTES_PER_MIB = 1024 * 1024;

/** Reads the counters now. */
export function readHostSnapshot(now: () => number = () => performance.now()): HostSnapshot {
  const usage = process.cpuUsage();
  let hostIdleMs = 0;
  let hostTotalMs = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    hostIdleMs += idle;
    hostTotalMs += user + nice + sys + idle + irq;
  }
  return {
    atMs: now(),
    processCpuMicros: usage.user + usage.system,
    hostIdleMs,
    hostTotalMs,
    rssBytes: process.memoryUsage.rss(),
  };
}

const clampPct = (value: number) => Math.min(100, Math.max(0, value));

/**
 * The sample for the interval between two snapshots; undefined when no time passed. Percentages
 * are clamped to 0..100 because the counters tick at different granularities (CPU time in
 * scheduler ticks, wall time in nanoseconds), which can overshoot a little on short intervals.
 *
 * Worked example: 500 ms of wall time, 1 000 000 us (1000 ms) of process CPU, 4 cores:
 * 1000 / 500 / 4 * 100 = 50 %.
 */
export function hostSampleBetween(prev: HostSnapshot, next: HostSnapshot, cores: number): HostSample | undefined {
  const wallMs = next.atMs - prev.atMs;
  if (wallMs <= 0 || cores <= 0) return undefined;
  const processCpuMs = (next.processCpuMicros - prev.processCpuMicros) / 1000;
  const sample: HostSample = {
    atMs: next.atMs,
    cpuUtilPct: clampPct((processCpuMs / wallMs / cores) * 100),
    rssMiB: next.rssBytes / BYTES_PER_MIB,
  };
  const hostTotalMs = next.hostTotalMs - prev.hostTotalMs;
  // os.cpus() counters advance in clock ticks (10 ms); on a very short interval nothing moved.
  if (hostTotalMs > 0) {
    const hostIdleMs = next.hostIdleMs - prev.hostIdleMs;
    sample.hostCpuUtilPct = clampPct((1 - hostIdleMs / hostTotalMs) * 100);
  }
  return sample;
}

export interface HostSamplerOptions {
  /** Default 250. */
  intervalMs?: number;
  /** Monotonic clock, milliseconds; default performance.now. */
  now?: () => number;
  /** Logical cores the process CPU percentage is divided by; default os.availableParallelism(). */
  cores?: number;
}

export interface HostSampler {
  samples(): readonly HostSample[];
  /** Stops the timer, first sampling the tail since the last tick if it is half an interval or more. */
  stop(): void;
}

export function startHostSampler(options: HostSamplerOptions = {}): HostSampler {
  const intervalMs = options.intervalMs ?? 250;
  const now = options.now ?? (() => performance.now());
  const cores = options.cores ?? availableParallelism();
  const samples: HostSample[] = [];
  let previous = readHostSnapshot(now);
  let stopped = false;

  const tick = () => {
    const next = readHostSnapshot(now);
    const sample = hostSampleBetween(previous, next, cores);
    if (sample) samples.push(sample);
    previous = next;
  };
  const timer = setInterval(tick, intervalMs);
  // Sampling alone must not keep the process alive; the work being measured does that.
  timer.unref();

  return {
    samples: () => samples,
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      // A sliver of an interval gives a noisy CPU figure (counters tick every 10 ms); skip it.
      if (now() - previous.atMs >= intervalMs / 2) tick();
    },
  };
}
