import type { InferenceSession } from 'onnxruntime-node';
import type { EngineWorkerData } from './engineProtocol.js';

/**
 * The onnxruntime session options of a model instance, in one place: the engine's workers and the
 * bench's bare loop (src/bench/bareLoop.ts) build their sessions from this same function, so a
 * harness-efficiency ratio compares the harness, never two differently tuned sessions.
 */
export type SessionSettings = Omit<EngineWorkerData, 'modelPath'>;

export function sessionOptions(settings: SessionSettings): InferenceSession.SessionOptions {
  return {
    executionProviders: settings.executionProviders as InferenceSession.ExecutionProviderConfig[],
    graphOptimizationLevel: settings.graphOptimizationLevel,
    intraOpNumThreads: settings.intraOpNumThreads,
    interOpNumThreads: settings.interOpNumThreads,
    executionMode: 'sequential',
    ...(settings.allowSpinning ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
  };
}
