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
    // Synchronous for a request that arrived as a tensor (client-side preprocessing): the pipeline
    // awaits only a stage that returns a promise, and a promise per request costs the event loop.
    run(state: RequestState): Promise<void> | void {
      if (state.tensor) return;
      if (where === 'client') return Promise.reject(new RequestFailure('preprocess', 'client-side preprocessing expects tensor requests, got image bytes'));
      if (!state.payload) return Promise.reject(new RequestFailure('preprocess', 'no image payload'));
      if (!state.config) return Promise.reject(new RequestFailure('preprocess', 'no preprocessing config (configLoad must run first)'));
      const slots = ctx.inputSlots;
      // Decoded and normalised straight into a batch-buffer slot, taken once the pixels are ready.
      const into = slots
        ? (): Float32Array => {
            state.slot = slots.allocate();
            return state.slot.view;
          }
        : undefined;
      return preprocessImage(state.payload, state.config, into).then((tensor) => {
        state.tensor = tensor;
      });
    },
  };
}
