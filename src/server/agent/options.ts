import { z } from 'zod';
import { MAX_INPUT_PIXELS } from '../../serving/images/preprocessImage.js';
import type { StageContext } from '../../serving/stage.js';
import type { ProfileSpec } from '../../schema/profileSpec.js';

export const MIB = 1024 * 1024;
export const DEFAULT_MAX_BODY_BYTES = 32 * MIB;
export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * Longer than the 60 s idle timeout of AWS load balancers (and most proxies): the balancer must be
 * the side that closes an idle keep-alive connection, or it may send a request into a socket the
 * agent is closing and answer its client with a 502.
 */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** The agent's own settings, validated at the boundary (the CLI's flags, or a caller in process). */
export const AgentSettings = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests, the profiler); the CLI's default is 8000, Triton's HTTP port. */
    port: z.number().int().min(0).max(65535).default(0),
    maxBodyBytes: z.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
    /**
     * Raw image bodies above this many pixels are refused from their header. At most the pipeline's
     * own decode limit, which refuses larger images anyway.
     */
    maxPixels: z.number().int().positive().max(MAX_INPUT_PIXELS).default(MAX_INPUT_PIXELS),
    /** The client gets 504 after this long; the request itself runs on (it cannot be cancelled mid-batch). */
    timeoutMs: z.number().positive().default(DEFAULT_TIMEOUT_MS),
    keepAliveTimeoutMs: z.number().int().positive().default(DEFAULT_KEEP_ALIVE_TIMEOUT_MS),
    /**
     * Bearer token required on inference and /v1/info. Unset: none on loopback, and a generated one
     * (logged at start) on any other address.
     */
    token: z.string().min(1).optional(),
    /** Bound on graceful shutdown: connections still open after this long are cut. */
    shutdownGraceMs: z.number().positive().default(DEFAULT_TIMEOUT_MS + 5_000),
  })
  .strict();
export type AgentSettings = z.infer<typeof AgentSettings>;

export interface AgentOptions extends Partial<AgentSettings> {
  spec: ProfileSpec;
  /** $CAPACITY_PLAN_HOME: where built-in models are built and cached. */
  home: string;
  /** Progress and server-side errors, one line each (the CLI sends them to stderr). */
  onLog?: (line: string) => void;
  observe?: StageContext['observe'];
}
