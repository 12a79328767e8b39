/**
 * The pipeline's stages in the order a request goes through them: the one list. The schema's
 * StageName enum is built from it (profileSpec.ts), and the report draws stage bars and rows in this
 * order (web/ imports it; this file imports nothing, so the browser bundle stays free of zod).
 */
export const STAGE_ORDER = [
  'deserialize',
  'configLoad',
  'payloadSpool',
  'preprocess',
  'queueWait',
  'infer',
  'postprocess',
  'requestLog',
  'serialize',
  /** HTTP only: client-observed latency minus the server's own total (sockets, HTTP parsing, loopback). */
  'network',
] as const;
