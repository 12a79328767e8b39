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
      /**
       * --target only: where the document's serving spec (model, engine, batching, pipeline) comes
       * from: a capacity-plan agent's /v1/info, or nowhere (another server: never the local defaults).
       */
      serverSpec: z.enum(['from /v1/info', 'unknown (external server)']).optional(),
    })
    .strict(),
]);
export type TransportInfo = z.infer<typeof TransportInfo>;
