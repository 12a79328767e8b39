import { RequestFailure, type Prediction, type RequestState, type Stage, type StageContext } from '../stage.js';

/** Step 6 of the article's pipeline: logits → probabilities → top classes. */

export const TOP_K = 5;

export function createPostprocessStage(_ctx: StageContext): Stage {
  return {
    name: 'postprocess',
    run(state: RequestState): void {
      if (!state.output || state.output.length === 0) throw new RequestFailure('postprocess', 'no model output');
      state.prediction = predictionFromLogits(state.output, TOP_K);
    },
  };
}

/** Softmax (shifted by the max logit so exp never overflows), then the k most probable classes. */
export function predictionFromLogits(logits: Float32Array, k: number): Prediction {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  // One pass: the softmax's denominator, and the top k of exp(logit - max) kept as they go by (the
  // same values, comparisons and tie order as sorting the whole probability vector, without
  // allocating it: this runs once per request).
  const best: number[] = [];
  const bestValues: number[] = [];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const value = Math.exp(logits[i]! - max);
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
  const top = best.map((classIndex, j) => ({ classIndex, score: bestValues[j]! / sum }));
  const first = top[0]!;
  return { classIndex: first.classIndex, score: first.score, top };
}
