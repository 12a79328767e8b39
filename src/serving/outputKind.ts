import type { OutputTensor } from '../model/engineProtocol.js';
import type { OutputInfo } from '../model/signature.js';

/**
 * What a model's outputs are, and so what postprocess does with them:
 * - classification: one [N, K] output of logits → softmax, then the top k classes;
 * - probabilities: the same output whose rows already sum to 1 (the graph ends in a softmax) →
 *   the top k, with no second softmax (which would flatten the scores);
 * - raw: anything else (maps, embeddings, several outputs) → each output's name, shape, min, max
 *   and mean. A softmax over a 640x640 probability map is not a class score.
 */
export const OUTPUT_KINDS = ['classification', 'probabilities', 'raw'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** A classifier's answer: the k most probable classes. */
export interface Prediction {
  classIndex: number;
  score: number;
  top: { classIndex: number; score: number }[];
}

export interface OutputSummary {
  name: string;
  /** This request's shape: the batch dimension is 1. */
  shape: number[];
  min: number;
  max: number;
  mean: number;
}

export const TOP_K = 5;

/**
 * The kind the outputs' declared shapes allow: class scores need exactly one float output with one
 * row of K >= 2 values per item ([N, K], or [N, K, 1, 1] as some exports leave it).
 */
export function kindFromOutputs(outputs: readonly OutputInfo[]): 'classification' | 'raw' {
  if (outputs.length !== 1) return 'raw';
  const { type, shape } = outputs[0]!;
  if (!['float32', 'float16', 'float64'].includes(type)) return 'raw';
  const perItem = shape.slice(1);
  const classes = perItem[0];
  const flat = perItem.slice(1).every((d) => d === 1);
  if (!flat || classes === undefined) return 'raw';
  return typeof classes === 'string' || classes >= 2 ? 'classification' : 'raw';
}

/** Rows of a softmax: every value in [0, 1] and the sum within float32 rounding of 1. */
export function isProbabilityRow(row: Float32Array): boolean {
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (!(v >= 0 && v <= 1 + 1e-6)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) <= 1e-3;
}

/**
 * Reads outputs as the run's kind. With no override, a classifier-shaped output is settled by its
 * first row (logits, or rows that already sum to 1) and keeps that kind for the run, so every
 * request is postprocessed the same way; the decision is noted once.
 */
export class OutputInterpreter {
  private resolved: OutputKind | undefined;
  readonly detected: 'classification' | 'raw';

  constructor(
    private readonly outputs: readonly OutputInfo[],
    readonly override?: OutputKind,
  ) {
    this.detected = kindFromOutputs(outputs);
    this.resolved = override ?? (this.detected === 'raw' ? 'raw' : undefined);
  }

  /** The kind in use; undefined until the first output settles a classifier-shaped one. */
  get kind(): OutputKind | undefined {
    return this.resolved;
  }

  /** One line for the run's notes, once the kind is known. */
  note(): string | undefined {
    const kind = this.resolved;
    if (kind === undefined) return undefined;
    const outputs = this.outputs.map((o) => `${o.name} [${o.shape.join(', ')}]`).join(', ');
    if (kind === 'raw') {
      return `outputs ${outputs} are not read as class scores (output kind raw${this.override ? ', as asked' : ''}): no class postprocessing was applied; responses carry each output's name, shape, min, max and mean`;
    }
    if (kind === 'probabilities') {
      return `output ${outputs} rows already sum to 1 (output kind probabilities${this.override ? ', as asked' : ''}): top-${TOP_K} with no second softmax`;
    }
    return this.override && this.detected === 'raw' ? `outputs ${outputs} are read as class logits, as asked (output kind classification)` : undefined;
  }

  interpret(outputs: readonly OutputTensor[]): { prediction: Prediction } | { rawOutputs: OutputSummary[] } {
    const first = outputs[0]!;
    this.resolved ??= isProbabilityRow(first.data) ? 'probabilities' : 'classification';
    if (this.resolved === 'raw') return { rawOutputs: outputs.map(summarise) };
    return { prediction: topClasses(first.data, TOP_K, this.resolved === 'classification') };
  }
}

export function summarise(output: OutputTensor): OutputSummary {
  const { data } = output;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const empty = data.length === 0;
  return { name: output.name, shape: output.dims, min: empty ? 0 : min, max: empty ? 0 : max, mean: empty ? 0 : sum / data.length };
}

/**
 * The k best classes: with softmax (shifted by the max so exp never overflows) for logits, or the
 * values as they are for probabilities. One pass keeps the top k as they go by (the same values,
 * comparisons and tie order as sorting the whole vector, without allocating it: this runs once per
 * request).
 */
export function topClasses(row: Float32Array, k: number, softmax: boolean): Prediction {
  let max = -Infinity;
  if (softmax) for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  const best: number[] = [];
  const bestValues: number[] = [];
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    const value = softmax ? Math.exp(row[i]! - max) : row[i]!;
    sum += value;
    if (best.length === k) {
      if (value <= bestValues[k - 1]!) continue;
      best.pop();
      bestValues.pop();
    }
    let at = best.length;
    while (at > 0 && bestValues[at - 1]! < value) at--;
    best.splice(at, 0, i);
    bestValues.splice(at, 0, value);
  }
  const scale = softmax ? sum : 1;
  const top = best.map((classIndex, j) => ({ classIndex, score: bestValues[j]! / scale }));
  const first = top[0]!;
  return { classIndex: first.classIndex, score: first.score, top };
}
