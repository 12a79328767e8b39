import { z } from 'zod';

/**
 * How a profile reached the model: the pipeline in the profiler's own process, or HTTP (an agent
 * the profiler started on loopback, or a server the user already runs). Recorded in the result
 * document, since over HTTP the latency is what the client observed, network and HTTP included.
 */

/** The wire protocols the HTTP transport speaks (src/profile/http/protocols.ts). */
export const HttpProtocol = z.enum(['raw', 'kserve-v2', 'torchserve']);
export type HttpProtocol = z.infer<typeof HttpProtocol>;
export const HTTP_PROTOCOLS: readonly HttpProtocol[] = HttpProtocol.options;

/**
 * What a SageMaker endpoint's container is sent: the request's own bytes (image files, as
 * TorchServe and most image handlers take them: `raw`, `torchserve`), KServe v2 JSON tensors
 * (Triton: `kserve-v2`), or `{"instances": [C][H][W]}` JSON (`json`: TF Serving style, the
 * framework containers' default JSON input).
 */
export const SageMakerProtocol = z.enum(['raw', 'kserve-v2', 'torchserve', 'json']);
export type SageMakerProtocol = z.infer<typeof SageMakerProtocol>;

export const TransportInfo = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('inprocess') }).strict(),
  z
    .object({
      kind: z.literal('http'),
      /** agent: `capacity-plan agent` started by the profiler for this run; remote: `--target`. */
      server: z.enum(['agent', 'remote']),
      url: z.string(),
      protocol: HttpProtocol,
      /** The model name in the protocol's paths (KServe's and TorchServe's {name}), where one is used. */
      modelName: z.string().optional(),
      /** Keep-alive connections the client could open (requests in flight at most). */
      connections: z.number().int().positive(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('sagemaker'),
      /** `profile --target sagemaker://<endpointName>[/<variant>]`. */
      endpointName: z.string().min(1),
      /** The production variant requested (TargetVariant); absent: SageMaker spread requests by variant weight. */
      variant: z.string().optional(),
      region: z.string(),
      /** Only when not AWS's own (a local or VPC endpoint, from AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME). */
      endpointUrl: z.string().optional(),
      protocol: SageMakerProtocol,
      /** The ContentType sent (images: their own type). */
      contentType: z.string(),
      connections: z.number().int().positive(),
      /** Successful responses per production variant that served them (InvokedProductionVariant). */
      invokedVariants: z.record(z.string(), z.number().int().nonnegative()).optional(),
      /** What a KServe v2 (Triton) response said it was. */
      modelName: z.string().optional(),
      modelVersion: z.string().optional(),
    })
    .strict(),
]);
export type TransportInfo = z.infer<typeof TransportInfo>;
