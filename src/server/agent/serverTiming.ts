import { STAGE_NAMES } from '../../schema/profileSpec.js';
import type { StageTimings } from '../../profile/pipeline.js';

/**
 * The standard `Server-Timing` response header (W3C Server Timing): the agent reports each
 * pipeline stage's duration and its own total, so a client (the profiler's HTTP transport, or a
 * browser's devtools) sees where the server spent a request without a side channel.
 *
 *   Server-Timing: deserialize;dur=0.021, configLoad;dur=0.004, ..., total;dur=12.300
 */

/** The entry carrying the server's own time for the whole request. */
export const SERVER_TIMING_TOTAL = 'total';

/**
 * Stages in pipeline order, then the agent's own steps outside the pipeline (`extraMs`: reading the
 * body, decoding a KServe JSON body, ...), then `total`; durations in ms with 3 decimals.
 */
export function formatServerTiming(stageMs: StageTimings, totalMs: number, extraMs: Readonly<Record<string, number>> = {}): string {
  const entries: string[] = [];
  for (const stage of STAGE_NAMES) {
    const ms = stageMs[stage];
    if (ms !== undefined && Number.isFinite(ms)) entries.push(`${stage};dur=${formatMs(ms)}`);
  }
  for (const [name, ms] of Object.entries(extraMs)) {
    if (Number.isFinite(ms)) entries.push(`${name};dur=${formatMs(ms)}`);
  }
  entries.push(`${SERVER_TIMING_TOTAL};dur=${formatMs(totalMs)}`);
  return entries.join(', ');
}

/** Clock differences can come out as -0.0000001; a header never says a stage took negative time. */
function formatMs(ms: number): string {
  return Math.max(0, ms).toFixed(3);
}

/**
 * Name → duration (ms) for every entry that has a `dur` parameter. Accepts what other servers send:
 * descriptions (`db;desc="a, b";dur=12`), quoted values, any parameter order and case, several
 * headers joined with commas, and entries without a duration (skipped: no duration is not zero).
 * When a name repeats, the first entry wins (as the spec's PerformanceServerTiming order implies).
 */
export function parseServerTiming(header: string | null | undefined): Record<string, number> {
  const timings: Record<string, number> = {};
  if (!header) return timings;
  for (const entry of splitOutsideQuotes(header, ',')) {
    const [rawName, ...params] = splitOutsideQuotes(entry, ';');
    const name = rawName?.trim();
    if (!name || Object.hasOwn(timings, name)) continue;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'dur') continue;
      const dur = Number(unquote(param.slice(eq + 1).trim()));
      if (Number.isFinite(dur)) timings[name] = dur;
      break;
    }
  }
  return timings;
}

/** Splits on `separator` except inside double-quoted strings (which may hold `\"` escapes). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\(.)/g, '$1');
  return value;
}
