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
  const probabilities = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i]! - max);
    probabilities[i] = e;
    sum += e;
  }
  const top = topK(probabilities, k).map((classIndex) => ({ classIndex, score: probabilities[classIndex]! / sum }));
  const best = top[0]!;
  return { classIndex: best.classIndex, score: best.score, top };
}

/**
 * Indices of the k largest values, largest first; ties keep the lower index first. An insertion
 * into a k-long list: O(n·k) with tiny k beats sorting 1000 indices per request.
 */
function topK(values: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (best.length === k) {
      if (value <= values[best[k - 1]!]!) continue;
      best.pop();
    }
    let at = best.length;
    while (at > 0 && values[best[at - 1]!]! < value) at--;
    best.splice(at, 0, i);
  }
  return best;
}
