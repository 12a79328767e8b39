import { STAGE_NAMES, type StageName } from '../../schema/profileSpec.js';
import type { StageTimings } from '../pipeline.js';

/**
 * Reads a `Server-Timing` response header (W3C Server Timing) into pipeline stage times. Our
 * agent sends `deserialize;dur=0.021, ..., total;dur=12.300`; other servers send descriptions
 * (`db;desc="a, b";dur=12`), entries without a duration, parameters in any order and case, or
 * several headers (joined with commas by HTTP, or handed over as an array by the client).
 *
 * Self-contained on purpose (the agent has its own formatter/parser): the client side must read
 * any server's header, not only ours, and must not import server code.
 */
export interface ServerTiming {
  stageMs: StageTimings;
  /** The server's own time for the whole request (`total`), when it says. */
  totalMs?: number;
}

/** The entry that carries the server's total (what our agent writes). */
const TOTAL = 'total';

/**
 * `network` is what the client computes (its latency minus the server's total); a server has no
 * way to know it, so an entry by that name is ignored rather than trusted.
 */
const SERVER_STAGES: ReadonlySet<string> = new Set(STAGE_NAMES.filter((s) => s !== 'network'));

export function parseServerTiming(header: string | string[] | null | undefined): ServerTiming {
  const timing: ServerTiming = { stageMs: {} };
  if (header === null || header === undefined) return timing;
  const text = Array.isArray(header) ? header.join(', ') : header;
  const seen = new Set<string>();
  for (const entry of splitOutsideQuotes(text, ',')) {
    const [rawName, ...params] = splitOutsideQuotes(entry, ';');
    const name = rawName?.trim() ?? '';
    // First entry of a name wins (the spec's order); a later duplicate is not an addition.
    if (name === '' || seen.has(name)) continue;
    seen.add(name);
    const durMs = durationOf(params);
    if (durMs === undefined) continue; // no duration is not zero: leave the stage absent
    if (name === TOTAL) timing.totalMs = durMs;
    else if (SERVER_STAGES.has(name)) timing.stageMs[name as StageName] = durMs;
  }
  return timing;
}

function durationOf(params: string[]): number | undefined {
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'dur') continue;
    const raw = param.slice(eq + 1).trim();
    if (raw === '') return undefined;
    const ms = Number(unquote(raw));
    // Negative durations come from clock noise on the other side; a stage never takes < 0 ms.
    return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
  }
  return undefined;
}

/** Splits on `separator` except inside double-quoted strings (which may contain `\"`). */
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
