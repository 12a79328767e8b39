import { OutputInterpreter, TOP_K, topClasses } from '../outputKind.js';
import { RequestFailure, type Prediction, type RequestState, type Stage, type StageContext } from '../stage.js';

/**
 * Step 6 of the article's pipeline, by what the model returns (../outputKind.ts): logits →
 * probabilities → top classes; probabilities → top classes; anything else → a raw summary.
 */

export { TOP_K };

export function createPostprocessStage(ctx: StageContext): Stage {
  // Without a served signature (stage tests), every output row is read as logits, as before kinds.
  const interpreter = ctx.output ?? new OutputInterpreter([{ name: 'output', type: 'float32', shape: ['N', 'K'] }], 'classification');
  return {
    name: 'postprocess',
    run(state: RequestState): void {
      if (!state.output || state.output.length === 0) throw new RequestFailure('postprocess', 'no model output');
      const outputs = state.outputs ?? [{ name: 'output', data: state.output, dims: [1, state.output.length] }];
      const result = interpreter.interpret(outputs);
      if ('prediction' in result) state.prediction = result.prediction;
      else state.rawOutputs = result.rawOutputs;
    },
  };
}

/** Softmax, then the k most probable classes. */
export function predictionFromLogits(logits: Float32Array, k: number): Prediction {
  return topClasses(logits, k, true);
}
