import { availableParallelism } from 'node:os';
import type { HttpClient } from './types.js';

/**
 * The agent child's own CPU and memory, read from its /metrics (prom-client's default process
 * metrics): over --transport http the profiler's process is the load generator, and its figures
 * say nothing about the server's.
 */

export interface ProcessReading {
  atMs: number;
  cpuSeconds: number;
  rssBytes: number;
}

export interface ProcessUtilization {
  /** The agent's CPU time / wall time / logical cores between the first and last reading, percent of the host. */
  cpuPct?: number;
  rssMiB?: { mean: number; max: number };
}

/** One sample's value from Prometheus text, e.g. process_cpu_seconds_total 12.5. */
export function sampleValue(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `)) {
      const value = Number(line.slice(name.length + 1).trim().split(' ')[0]);
      return Number.isFinite(value) ? value : undefined;
    }
  }
  return undefined;
}

export async function readProcessMetrics(client: HttpClient, nowMs: () => number = () => performance.now()): Promise<ProcessReading | undefined> {
  const response = await client.get('/metrics');
  if (response.status !== 200) return undefined;
  const text = response.body.toString('utf8');
  const cpuSeconds = sampleValue(text, 'process_cpu_seconds_total');
  const rssBytes = sampleValue(text, 'process_resident_memory_bytes');
  return cpuSeconds === undefined || rssBytes === undefined ? undefined : { atMs: nowMs(), cpuSeconds, rssBytes };
}

/** Pure: utilisation over the readings (taken at the measurement windows' boundaries). */
export function utilizationOf(readings: readonly ProcessReading[], cores = availableParallelism()): ProcessUtilization {
  if (readings.length === 0) return {};
  const rss = readings.map((r) => r.rssBytes / (1024 * 1024));
  const rssMiB = { mean: rss.reduce((a, b) => a + b, 0) / rss.length, max: Math.max(...rss) };
  const first = readings[0]!;
  const last = readings[readings.length - 1]!;
  const wallS = (last.atMs - first.atMs) / 1000;
  if (readings.length < 2 || wallS <= 0) return { rssMiB };
  const cpuPct = Math.min(100, Math.max(0, ((last.cpuSeconds - first.cpuSeconds) / wallS / cores) * 100));
  return { cpuPct, rssMiB };
}
