/**
 * The grammar of the standard `Server-Timing` response header (W3C Server Timing), shared by the
 * agent (which writes it and reads it back in tests) and the profiler's HTTP transport (which reads
 * any server's). Accepts what servers send: descriptions (`db;desc="a, b";dur=12`), quoted values,
 * any parameter order and case, several headers (joined with commas by HTTP, or an array).
 */

/**
 * Every entry's name → duration in ms. An entry without a `dur` is skipped (no duration is not
 * zero); when a name repeats, the first entry wins (the spec's order); a negative duration (clock
 * noise on the other side) reads as 0.
 */
export function serverTimingEntries(header: string | readonly string[] | null | undefined): Map<string, number> {
  const entries = new Map<string, number>();
  if (header === null || header === undefined) return entries;
  const text = typeof header === 'string' ? header : header.join(', ');
  const seen = new Set<string>();
  for (const entry of splitOutsideQuotes(text, ',')) {
    const [rawName, ...params] = splitOutsideQuotes(entry, ';');
    const name = rawName?.trim() ?? '';
    if (name === '' || seen.has(name)) continue;
    seen.add(name);
    const ms = durationOf(params);
    if (ms !== undefined) entries.set(name, ms);
  }
  return entries;
}

function durationOf(params: string[]): number | undefined {
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'dur') continue;
    const raw = unquote(param.slice(eq + 1).trim());
    if (raw === '') return undefined;
    const ms = Number(raw);
    return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
  }
  return undefined;
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

/** The entry carrying the server's own time for the whole request. */
export const SERVER_TIMING_TOTAL = 'total';

/** Our agent's own steps outside the pipeline (reading the body, ...): part of its total, not stages. */
export const AGENT_STEP_NAMES = ['bodyRead', 'imageHeader', 'kserveDecode'] as const;
export type AgentStepName = (typeof AGENT_STEP_NAMES)[number];
