import type { HandleOptions, RequestOutcome } from '../../serving/pipeline.js';
import type { ServingPipeline } from '../../serving/servingPipeline.js';
import type { WireRequest } from '../../serving/stage.js';
import type { AgentMetrics } from './metrics.js';
import type { AgentSettings } from './options.js';

/** What the route handlers share: the served pipeline, the settings, metrics and the agent's state. */
export interface AgentContext {
  serving: ServingPipeline;
  /** The name the model is served under (KServe's {name}). */
  modelName: string;
  settings: AgentSettings;
  /** The bearer token inference requires; undefined: open (loopback without --token). */
  token?: string;
  metrics: AgentMetrics;
  /** True once shutdown has begun: not ready, no new inference. */
  isDraining(): boolean;
  /** Aborted when shutdown closes the connections (after the in-flight requests, or the grace). */
  closingConnections: AbortSignal;
  /** Cumulative since start: batch size → batches dispatched. */
  batchSizeCounts: ReadonlyMap<number, number>;
  /** One wire request through the pipeline: timed by the pipeline, observed in metrics, awaited on shutdown. */
  runPipeline(request: WireRequest, options?: HandleOptions): Promise<RequestOutcome>;
  log(line: string): void;
}
