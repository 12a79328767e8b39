import { z } from 'zod';

/**
 * The KServe v2 / Triton HTTP inference protocol, JSON tensors only (no binary-data extension):
 * https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/
 * A request's [N, C, H, W] input becomes N separate pipeline requests, so the dynamic batcher sees
 * them as N clients would look to it; the N output rows come back as one [N, classes] tensor.
 */

export const KSERVE_PLATFORM = 'onnxruntime_onnx';
export const KSERVE_MODEL_VERSION = '1';

const Parameters = z.record(z.string(), z.unknown());

const InferInput = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()).min(1),
  datatype: z.string().min(1),
  parameters: Parameters.optional(),
  // Flat or nested row-major; leaves are checked while flattening (zod per leaf is slow for 150k values).
  data: z.array(z.unknown()),
});

export const KserveInferRequest = z.object({
  id: z.string().optional(),
  parameters: Parameters.optional(),
  inputs: z.array(InferInput).min(1),
  outputs: z.array(z.object({ name: z.string().min(1), parameters: Parameters.optional() })).optional(),
});
export type KserveInferRequest = z.infer<typeof KserveInferRequest>;

const KserveTensorMetadata = z.object({
  name: z.string(),
  datatype: z.string(),
  shape: z.array(z.number().int()),
});

/** GET /v2/models/{name}: the parts the transport uses (KServe v2 / Triton). */
export const KserveModelMetadata = z.object({
  name: z.string(),
  inputs: z.array(KserveTensorMetadata).min(1),
  outputs: z.array(KserveTensorMetadata).default([]),
});
export type KserveModelMetadata = z.output<typeof KserveModelMetadata>;
