import type { Stage, StageContext } from '../stage.js';
import { createConfigLoadStage } from './configLoad.js';
import { createDeserializeStage } from './deserialize.js';
import { createPayloadSpoolStage } from './payloadSpool.js';
import { createPostprocessStage } from './postprocess.js';
import { createPreprocessStage } from './preprocess.js';
import { createRequestLogStage } from './requestLog.js';
import { createSerializeStage } from './serialize.js';

/**
 * The request pipeline around the model, configured from ctx.spec.pipeline: `before` runs ahead of
 * the batcher (queueWait) and the engine (infer), `after` runs on each request's output row.
 * For requestLog mode http without a url, the runner starts a local sink (../logSink.ts) and puts
 * its url into ctx.spec before calling this.
 */
export function createPipelineStages(ctx: StageContext): { before: Stage[]; after: Stage[] } {
  return {
    before: [createDeserializeStage(ctx), createConfigLoadStage(ctx), createPayloadSpoolStage(ctx), createPreprocessStage(ctx)],
    after: [createPostprocessStage(ctx), createRequestLogStage(ctx), createSerializeStage(ctx)],
  };
}
