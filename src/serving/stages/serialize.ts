import { RequestFailure, type RequestState, type Stage, type StageContext } from '../stage.js';

/** Step 8 of the article's pipeline: the response body. */
export function createSerializeStage(_ctx: StageContext): Stage {
  return {
    name: 'serialize',
    run(state: RequestState): void {
      if (!state.prediction) throw new RequestFailure('serialize', 'no prediction');
      state.response = Buffer.from(JSON.stringify({ id: state.id, prediction: state.prediction }));
    },
  };
}
