import { z } from 'zod';
import { ProfileSpec } from '../profileSpec.js';

/**
 * GET /v1/info: what the agent serves, for the profiler's HTTP transport (signature, cold start,
 * warnings, and the batch sizes dispatched so far, cumulative since the agent started).
 * JSON has no Infinity, so a dynamic batch dimension travels as maxBatch: null; the schema turns it
 * back into Infinity, as ModelSignature has it.
 */
export const AgentInfo = z.object({
  model: z.object({
    name: z.string(),
    path: z.string(),
    signature: z.object({
      inputName: z.string(),
      inputType: z.string(),
      inputShape: z.array(z.union([z.number(), z.string()])),
      outputName: z.string(),
      outputShape: z.array(z.union([z.number(), z.string()])),
      outputs: z.array(z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])) })).optional(),
      layout: z.enum(['nchw', 'nhwc']).optional(),
      itemShape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
      maxBatch: z
        .number()
        .positive()
        .nullable()
        .transform((n) => n ?? Number.POSITIVE_INFINITY),
    }),
  }),
  spec: ProfileSpec,
  /** How postprocess reads the outputs (settled by the first request for a classifier-shaped output). */
  output: z.object({ kind: z.enum(['classification', 'probabilities', 'raw']).optional(), note: z.string().optional() }).optional(),
  modelLoadMs: z.number().nonnegative(),
  warnings: z.array(z.string()),
  /** Batch size (as a string key) → batches of that size. */
  batchSizeCounts: z.record(z.string(), z.number().int().nonnegative()),
});
export type AgentInfo = z.output<typeof AgentInfo>;
export type AgentInfoJson = z.input<typeof AgentInfo>;

/** /v1/info without the served spec: another version of the agent may have other spec keys. */
export const AgentInfoLoose = AgentInfo.omit({ spec: true });
export type AgentInfoLoose = z.output<typeof AgentInfoLoose>;
