import { unreachable } from '../util/unreachable.js';
import { UsageError } from '../util/errors.js';

/**
 * The `--vary` grammar, parsed into plain values (pure, no spec knowledge):
 *
 *   --vary <param>=<values> [<param>=<values> ...]   (the flag may also be repeated)
 *
 *   values    := item (',' item)*          e.g. 1,4,8,16
 *   item      := number | a..b              a..b doubles from a: 1..64 = 1,2,4,8,16,32,64
 *                                           (b is the upper bound, included when hit: 3..20 = 3,6,12)
 *   concurrency and rps also take `auto`: search for the highest load that meets the SLA
 *   maxBatchDelayMs also takes `none`: wait for a full batch (TorchServe without max_batch_delay)
 *   preferredBatchSizes takes alternatives separated by '|', each a list: '4,8|8,16|none'
 *   (quote it in the shell; `none` is the empty list)
 */

export const CONFIG_PARAMS = ['maxBatchSize', 'preferredBatchSizes', 'maxQueueDelayUs', 'instances', 'batchSize', 'maxBatchDelayMs'] as const;
export type ConfigParam = (typeof CONFIG_PARAMS)[number];

export const LOAD_PARAMS = ['concurrency', 'rps'] as const;
export type LoadParam = (typeof LOAD_PARAMS)[number];

/** One configuration parameter's value: a number, a list (preferredBatchSizes) or 'none'. */
export type ParamValue = number | number[] | 'none';

export interface VaryRequest {
  /** Configuration parameters in the order given; their cross product gives the configurations. */
  config: { param: ConfigParam; values: ParamValue[] }[];
  /** The load axis, when given: explicit loads (ascending) or 'auto' (search). */
  load?: { param: LoadParam; values: number[] | 'auto' };
}

const ALL_PARAMS: readonly string[] = [...CONFIG_PARAMS, ...LOAD_PARAMS];

/** Doubling ranges can be long; this bounds a typo such as 1..1e9. */
const MAX_RANGE_VALUES = 64;

export function parseVary(args: readonly string[]): VaryRequest {
  const request: VaryRequest = { config: [] };
  const seen = new Set<string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0 || eq === arg.length - 1) {
      throw new UsageError(`--vary '${arg}' must be <param>=<values>`, `e.g. --vary maxBatchSize=1,4,8 concurrency=auto; params: ${ALL_PARAMS.join(', ')}`);
    }
    const param = camelCase(arg.slice(0, eq).trim());
    const text = arg.slice(eq + 1).trim();
    if (!ALL_PARAMS.includes(param)) {
      throw new UsageError(`--vary: unknown parameter '${arg.slice(0, eq)}'`, `parameters: ${ALL_PARAMS.join(', ')}`);
    }
    if (seen.has(param)) throw new UsageError(`--vary: '${param}' is given twice`, 'give each parameter once, with all its values');
    seen.add(param);
    if (param === 'concurrency' || param === 'rps') {
      if (request.load) throw new UsageError(`--vary: vary either concurrency or rps, not both`, 'concurrency is a closed-loop load, rps an open one');
      request.load = { param, values: parseLoadValues(param, text) };
    } else {
      request.config.push({ param: param as ConfigParam, values: parseConfigValues(param as ConfigParam, text) });
    }
  }
  return request;
}

/** Accepts the flag spelling too: max-batch-size -> maxBatchSize. */
function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function parseLoadValues(param: LoadParam, text: string): number[] | 'auto' {
  if (text === 'auto') return 'auto';
  const values = parseList(param, text, param === 'concurrency' ? 'positiveInt' : 'positive');
  // Loads are measured from low to high so raising can stop once the SLA breaks.
  return [...new Set(values)].sort((a, b) => a - b);
}

function parseConfigValues(param: ConfigParam, text: string): ParamValue[] {
  let values: ParamValue[];
  switch (param) {
    case 'maxBatchSize':
    case 'instances':
    case 'batchSize':
      values = parseList(param, text, 'positiveInt');
      break;
    case 'maxQueueDelayUs':
      values = parseList(param, text, 'nonNegativeInt');
      break;
    case 'maxBatchDelayMs':
      values = text.split(',').flatMap((item): ParamValue[] => (item.trim() === 'none' ? ['none'] : parseList(param, item, 'nonNegative')));
      break;
    case 'preferredBatchSizes':
      values = text.split('|').map((alt) => (alt.trim() === 'none' ? ('none' as const) : parseList(param, alt, 'positiveInt')));
      break;
    default:
      return unreachable(param, 'sweep parameter');
  }
  return dedupe(values);
}

function dedupe(values: ParamValue[]): ParamValue[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type NumberKind = 'positiveInt' | 'nonNegativeInt' | 'positive' | 'nonNegative';

const KIND_WORDS: Record<NumberKind, string> = {
  positiveInt: 'whole numbers above zero',
  nonNegativeInt: 'whole numbers >= 0',
  positive: 'numbers above zero',
  nonNegative: 'numbers >= 0',
};

function parseList(param: string, text: string, kind: NumberKind): number[] {
  const items = text.split(',').map((s) => s.trim());
  const bad = (): UsageError =>
    new UsageError(
      `--vary ${param}: '${text}' is not a list of ${KIND_WORDS[kind]}`,
      `write a comma list (1,4,8) or a doubling range (1..64)${param === 'concurrency' || param === 'rps' ? ', or auto' : ''}`,
    );
  const values: number[] = [];
  for (const item of items) {
    const range = /^(.+)\.\.(.+)$/.exec(item);
    if (!range) {
      values.push(parseNumber(item, kind, bad));
      continue;
    }
    const from = parseNumber(range[1]!, kind, bad);
    const to = parseNumber(range[2]!, kind, bad);
    if (!(from > 0) || to < from) {
      throw new UsageError(`--vary ${param}: range '${item}' must start above zero and not end below its start`, 'a..b doubles from a up to b, e.g. 1..64');
    }
    for (let v = from; v <= to; v *= 2) {
      values.push(v);
      if (values.length > MAX_RANGE_VALUES) throw new UsageError(`--vary ${param}: '${text}' gives more than ${MAX_RANGE_VALUES} values`);
    }
  }
  return values;
}

function parseNumber(text: string, kind: NumberKind, bad: () => UsageError): number {
  if (text === '') throw bad();
  const n = Number(text);
  const ok =
    kind === 'positiveInt' ? Number.isInteger(n) && n > 0
    : kind === 'nonNegativeInt' ? Number.isInteger(n) && n >= 0
    : kind === 'positive' ? Number.isFinite(n) && n > 0
    : Number.isFinite(n) && n >= 0;
  if (!ok) throw bad();
  return n;
}

/** Configurations: the cross product of the configuration parameters, first parameter outermost. */
export function crossProduct(config: VaryRequest['config']): Partial<Record<ConfigParam, ParamValue>>[] {
  let combos: Partial<Record<ConfigParam, ParamValue>>[] = [{}];
  for (const { param, values } of config) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [param]: value })));
  }
  return combos;
}

/** A configuration's label: `maxBatchSize=8 preferredBatchSizes=4,8`, or `default` when nothing varies. */
export function configurationLabel(params: Partial<Record<ConfigParam, ParamValue>>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  return parts.length > 0 ? parts.join(' ') : 'default';
}
