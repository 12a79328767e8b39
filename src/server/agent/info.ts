import type { ServingPipeline } from '../../serving/servingPipeline.js';
import type { AgentInfoJson } from '../../schema/wire/agentInfo.js';

/** The body of GET /v1/info (its schema, shared with the profiler, is in src/schema/wire/agentInfo.ts). */
export function agentInfoJson(serving: ServingPipeline, modelName: string, batchSizeCounts: ReadonlyMap<number, number>): AgentInfoJson {
  const signature = serving.engine.signature;
  return {
    model: {
      name: modelName,
      path: serving.modelPath,
      signature: { ...signature, maxBatch: Number.isFinite(signature.maxBatch) ? signature.maxBatch : null },
    },
    spec: serving.spec,
    output: { kind: serving.ctx.output?.kind, note: serving.ctx.output?.note() },
    modelLoadMs: serving.modelLoadMs,
    warnings: serving.warnings,
    batchSizeCounts: Object.fromEntries([...batchSizeCounts].sort((a, b) => a[0] - b[0]).map(([size, count]) => [String(size), count])),
  };
}
