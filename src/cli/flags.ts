import { parseSla, type Sla } from '../schema/sla.js';
import { UsageError } from '../util/errors.js';

/** Flag value parsers: each error names the flag and what it accepts. */

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a whole number above zero, got '${value}'`);
    return n;
  };
}

export function nonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number >= 0, got '${value}'`);
    return n;
  };
}

/** A TCP port, 0 to 65535 (0: the system picks a free one). */
export function port(flag: string) {
  const parse = nonNegativeInt(flag);
  return (value: string): number => {
    const n = parse(value);
    if (n > 65535) throw new UsageError(`${flag} must be at most 65535, got '${value}'`);
    return n;
  };
}

export function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a number above zero, got '${value}'`);
    return n;
  };
}

export function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a number >= 0, got '${value}'`);
    return n;
  };
}

export function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}

export function positiveIntList(flag: string) {
  return (value: string): number[] => {
    const parts = value.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
    const numbers = parts.map(Number);
    if (parts.length === 0 || numbers.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new UsageError(`${flag} must be a comma-separated list of whole numbers above zero, got '${value}'`);
    }
    return numbers;
  };
}

export function shape3(flag: string) {
  return (value: string): [number, number, number] => {
    const numbers = positiveIntList(flag)(value);
    if (numbers.length !== 3) throw new UsageError(`${flag} must be C,H,W (three numbers), got '${value}'`);
    return numbers as [number, number, number];
  };
}

/** The flag's text as given: for flags that take a name, a path or a URL. */
export function text(_flag: string) {
  return (value: string): string => value;
}

/** oneOf for a flag table row, which names the flag itself. */
export function enumOf<T extends string>(allowed: readonly T[]) {
  return (flag: string) => oneOf(flag, allowed);
}

/** A latency SLA such as 'p95<=100ms'. */
export function latencySla(flag: string) {
  return (value: string): Sla => parseSla(value, flag);
}

/** A span such as `10m`, `90s`, `1h` or a bare number of seconds, in seconds. */
export function durationSeconds(flag: string) {
  return (value: string): number => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$/i.exec(value);
    const seconds = match ? Number(match[1]) * ({ s: 1, m: 60, h: 3600 } as const)[(match[2]?.toLowerCase() ?? 's') as 's' | 'm' | 'h'] : Number.NaN;
    if (!(seconds > 0)) throw new UsageError(`${flag} must be a span above zero such as 10m, 90s or 1h, got '${value}'`);
    return seconds;
  };
}

/** A percentage above 0 and at most 100, written `10%` or `10`. */
export function percentage(flag: string) {
  return (value: string): number => {
    const n = Number(value.trim().replace(/%$/, ''));
    if (!(n > 0 && n <= 100)) throw new UsageError(`${flag} must be a percentage above 0 and at most 100 such as 10%, got '${value}'`);
    return n;
  };
}
