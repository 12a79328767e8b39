import { preprocessImage } from '../images/preprocessImage.js';
import { RequestFailure, type RequestState, type Stage, type StageContext } from '../stage.js';

/**
 * Steps 3–4 of the article's pipeline: decode, orient, resize, normalise (server-side, the fat
 * handler). With client-side preprocessing the request already carries the tensor and this stage
 * does nothing. The image work itself lives in ../images/preprocessImage.ts, shared with the client.
 */
export { MAX_INPUT_PIXELS, preprocessImage } from '../images/preprocessImage.js';
export { encodeClientRequest } from '../images/clientRequest.js';

export function createPreprocessStage(ctx: StageContext): Stage {
  const where = ctx.spec.pipeline.preprocess.where;
  return {
    name: 'preprocess',
    async run(state: RequestState): Promise<void> {
      if (state.tensor) return;
      if (where === 'client') throw new RequestFailure('preprocess', 'client-side preprocessing expects tensor requests, got image bytes');
      if (!state.payload) throw new RequestFailure('preprocess', 'no image payload');
      if (!state.config) throw new RequestFailure('preprocess', 'no preprocessing config (configLoad must run first)');
      state.tensor = await preprocessImage(state.payload, state.config);
    },
  };
}
