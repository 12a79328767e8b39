import { RequestFailure, type RequestState, type Stage, type StageContext } from '../stage.js';

/** Step 8 of the article's pipeline: the response body (the top classes, or a raw outputs' summary). */
export function createSerializeStage(_ctx: StageContext): Stage {
  return {
    name: 'serialize',
    run(state: RequestState): void {
      state.response = Buffer.from(JSON.stringify(responseBody(state)));
    },
  };
}

export function responseBody(state: RequestState): unknown {
  if (state.prediction) return { id: state.id, prediction: state.prediction };
  if (state.rawOutputs) return { id: state.id, outputs: state.rawOutputs };
  throw new RequestFailure('serialize', 'no prediction');
}
