import type { Request, RequestHandler, Response } from 'express';
import type { RequestOutcome } from '../../serving/pipeline.js';
import { responseBody } from '../../serving/stages/serialize.js';
import { wantsAlone } from '../../schema/wire/aloneHeader.js';
import type { AgentContext } from './context.js';
import { INFER_CONTENT_TYPES, isImageMediaType, mediaTypeOf, MULTIPART_FORM_DATA, requireContentType } from './contentTypes.js';
import { imagePart } from './multipart.js';
import { withDeadline } from './deadline.js';
import { failureToHttpError } from './failureStatus.js';
import { checkImagePixels } from './imageGuard.js';
import { readNonEmptyBody } from './readBody.js';
import { sendError, sendJson, timeStep } from './respond.js';

/**
 * POST /v1/infer: one image (or JSON with a base64 image, or a client-side tensor) → one
 * prediction. The body goes into the pipeline as it arrived, so deserializing it is timed there.
 */
export function inferHandler(ctx: AgentContext): RequestHandler {
  return async (req, res) => {
    const outcome = await withDeadline(receiveAndRun(ctx, req, res), ctx.settings.timeoutMs);
    if (!outcome.ok) {
      sendError(req, res, failureToHttpError(outcome.failure!), { stageMs: outcome.stageMs });
      return;
    }
    const state = outcome.state!;
    sendJson(res, 200, state.response ?? responseBody(state), outcome.stageMs);
  };
}

async function receiveAndRun(ctx: AgentContext, req: Request, res: Response): Promise<RequestOutcome> {
  // Content type first: a wrong one is refused without reading the body.
  const contentType = req.headers['content-type'];
  const mediaType = requireContentType(contentType, INFER_CONTENT_TYPES);
  let body = await timeStep(res, 'bodyRead', () => readNonEmptyBody(req, ctx.settings.maxBodyBytes));
  let type = contentType!;
  if (mediaType === MULTIPART_FORM_DATA) {
    // The form is unwrapped here (a view, no copy): the pipeline then gets the image as if posted alone.
    const part = imagePart(body, contentType);
    body = part.body;
    type = isImageMediaType(mediaTypeOf(part.contentType)) ? part.contentType : 'application/octet-stream';
  }
  if (isImageMediaType(mediaTypeOf(type))) await timeStep(res, 'imageHeader', () => checkImagePixels(body, ctx.settings.maxPixels));
  return ctx.runPipeline({ contentType: type, body }, { alone: wantsAlone(req.headers) });
}
