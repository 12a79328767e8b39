import type { Request, RequestHandler, Response } from 'express';
import { wantsAlone } from '../../schema/wire/aloneHeader.js';
import { tensorBody } from '../../serving/images/clientRequest.js';
import type { RequestOutcome } from '../../serving/pipeline.js';
import { TENSOR_CONTENT_TYPE } from '../../serving/stage.js';
import type { AgentContext } from './context.js';
import { requireContentType } from './contentTypes.js';
import { withDeadline } from './deadline.js';
import { failureToHttpError } from './failureStatus.js';
import { AgentHttpError } from './httpError.js';
import { kserveInferResponse, kserveModelMetadata, parseKserveRequest } from './kserve.js';
import { readNonEmptyBody } from './readBody.js';
import { sendError, sendJson, timeStep } from './respond.js';

/** KServe v2 routes: /v2/models/{name}, /v2/models/{name}/ready, /v2/models/{name}/infer. */

export function kserveMetadataHandler(ctx: AgentContext): RequestHandler {
  return (req, res) => {
    requireModel(ctx, req.params.name);
    sendJson(res, 200, kserveModelMetadata(ctx.modelName, ctx.serving.engine.signature));
  };
}

export function kserveModelReadyHandler(ctx: AgentContext): RequestHandler {
  return (req, res) => {
    requireModel(ctx, req.params.name);
    if (ctx.isDraining()) throw new AgentHttpError(503, 'shutting_down', 'the agent is shutting down');
    sendJson(res, 200, { name: ctx.modelName, ready: true });
  };
}

export function kserveInferHandler(ctx: AgentContext): RequestHandler {
  return async (req, res) => {
    requireModel(ctx, req.params.name);
    const { id, outcomes } = await withDeadline(receiveAndRun(ctx, req, res), ctx.settings.timeoutMs);
    const failed = outcomes.find((o) => !o.ok);
    if (failed) {
      sendError(req, res, failureToHttpError(failed.failure!), { stageMs: failed.stageMs });
      return;
    }
    const items = outcomes.map((o) => o.state!.outputs ?? [{ name: ctx.serving.engine.signature.outputName, data: o.state!.output!, dims: [1, o.state!.output!.length] }]);
    // One Server-Timing for N items: the slowest item's stages, as it decided when the answer could go.
    const slowest = outcomes.reduce((a, b) => (b.endToEndMs > a.endToEndMs ? b : a));
    sendJson(res, 200, kserveInferResponse(ctx.modelName, items, ctx.serving.ctx.output?.kind, id), slowest.stageMs);
  };
}

async function receiveAndRun(ctx: AgentContext, req: Request, res: Response): Promise<{ id?: string; outcomes: RequestOutcome[] }> {
  requireContentType(req.headers['content-type'], ['application/json']);
  const body = await timeStep(res, 'bodyRead', () => readNonEmptyBody(req, ctx.settings.maxBodyBytes));
  // JSON tensors cost real time to decode (a 2x3x224x224 request is ~6 MB of text), outside the
  // pipeline's deserialize stage, which then only views the ready float32 bytes.
  const { id, items } = await timeStep(res, 'kserveDecode', () => decodeKserveBody(ctx, body));
  // Each item is its own pipeline request, so the dynamic batcher groups them like separate clients.
  const outcomes = await Promise.all(items.map((item) => ctx.runPipeline({ contentType: TENSOR_CONTENT_TYPE, body: tensorBody(item) }, { alone: wantsAlone(req.headers) })));
  return { id, outcomes };
}

function decodeKserveBody(ctx: AgentContext, body: Buffer): ReturnType<typeof parseKserveRequest> {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new AgentHttpError(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
  return parseKserveRequest(raw, ctx.serving.engine.signature);
}

function requireModel(ctx: AgentContext, name: string | string[] | undefined): void {
  if (name !== ctx.modelName) {
    throw new AgentHttpError(404, 'model_not_found', `no model '${String(name)}': this agent serves '${ctx.modelName}'`);
  }
}
