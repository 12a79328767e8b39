/**
 * nvidia-smi's CSV query output, parsed. Pure: no process, no clock. gpuSampler.ts owns the
 * process and hands each line it reads to parseNvidiaSmiLine.
 */

/** The fields asked for, in the order nvidia-smi prints them. */
export const NVIDIA_SMI_QUERY_FIELDS = [
  'timestamp',
  'index',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'power.draw',
  'clocks.sm',
  'driver_version',
] as const;

/** Arguments for one long-lived nvidia-smi that prints one line per GPU every intervalMs. */
export function nvidiaSmiArgs(intervalMs: number): string[] {
  return [
    `--query-gpu=${NVIDIA_SMI_QUERY_FIELDS.join(',')}`,
    // nounits: "27.34" rather than "27.34 W", so fields parse as plain numbers.
    '--format=csv,noheader,nounits',
    '-lms',
    String(Math.max(1, Math.round(intervalMs))),
  ];
}

/** One GPU's reading from one line. Fields nvidia-smi could not give are absent, never 0. */
export interface NvidiaSmiReading {
  index: number;
  name: string;
  utilPct?: number;
  memoryUsedMiB?: number;
  memoryTotalMiB?: number;
  powerW?: number;
  smClockMHz?: number;
  driverVersion?: string;
  /** Some field read `[GPU is lost]`: the GPU fell off the bus; its figures stop here. */
  gpuLost: boolean;
}

/** The marker nvidia-smi prints in place of every value of a GPU that fell off the bus. */
export const GPU_LOST_MARKER = '[GPU is lost]';

/**
 * nvidia-smi prints a bracketed marker instead of a value when it has none: `[N/A]`,
 * `[Not Supported]`, `[Unknown Error]`, `[GPU is lost]`, `[Insufficient Permissions]`, ... Any
 * bracketed text is treated as "no value", so a marker not listed here still reads as absent.
 */
function isMarker(field: string): boolean {
  return field.startsWith('[') && field.endsWith(']');
}

/** A non-negative number, `absent` for a marker, `invalid` for anything else. */
function parseNumberField(field: string): number | 'absent' | 'invalid' {
  if (isMarker(field)) return 'absent';
  if (field === '') return 'invalid';
  const value = Number(field);
  return Number.isFinite(value) && value >= 0 ? value : 'invalid';
}

/**
 * Parses one line of `--format=csv,noheader,nounits` output for NVIDIA_SMI_QUERY_FIELDS.
 * Returns null for a line that is not such a line (wrong field count, garbage where a number
 * belongs, a message like "No devices were found"); the caller counts those. nvidia-smi's own
 * timestamp is ignored: the sampler stamps lines with its monotonic clock instead.
 */
export function parseNvidiaSmiLine(line: string): NvidiaSmiReading | null {
  const fields = line.trim().split(',').map((field) => field.trim());
  if (fields.length !== NVIDIA_SMI_QUERY_FIELDS.length) return null;
  const [, indexText, nameText, util, memUsed, memTotal, power, smClock, driver] = fields as [
    string, string, string, string, string, string, string, string, string,
  ];

  if (!/^\d+$/.test(indexText)) return null;
  const gpuLost = fields.some((field) => field === GPU_LOST_MARKER);
  // A lost GPU may no longer tell its name; the line still matters (it says the GPU is gone).
  let name: string;
  if (nameText !== '' && !isMarker(nameText)) name = nameText;
  else if (gpuLost) name = 'unknown GPU';
  else return null;

  const reading: NvidiaSmiReading = { index: Number(indexText), name, gpuLost };
  const numbers = [
    ['utilPct', util],
    ['memoryUsedMiB', memUsed],
    ['memoryTotalMiB', memTotal],
    ['powerW', power],
    ['smClockMHz', smClock],
  ] as const;
  for (const [key, text] of numbers) {
    const value = parseNumberField(text);
    if (value === 'invalid') return null;
    if (value !== 'absent') reading[key] = value;
  }
  if (driver !== '' && !isMarker(driver)) reading.driverVersion = driver;
  return reading;
}
