import { loadPriceBook } from '../pricing/cache.js';
import { openAgentTarget } from '../profile/http/agentTarget.js';
import { openRemoteTarget } from '../profile/http/remoteTarget.js';
import type { OpenTarget } from '../profile/runner.js';
import { openSageMakerTarget } from '../profile/sagemaker/sagemakerTarget.js';
import type { HttpProtocol, SageMakerProtocol } from '../schema/transport.js';
import type { AppRuntime } from './runtime.js';

/** Where a run's requests go. */
export type TransportChoice =
  | { kind: 'inprocess' }
  /** Start the agent with the run's spec and drive it over loopback. */
  | { kind: 'agent'; protocol: 'raw' | 'kserve-v2' }
  /** A server the user already runs. */
  | { kind: 'remote'; url: string; protocol: HttpProtocol; modelName?: string; token?: string }
  /** A SageMaker real-time endpoint, through InvokeEndpoint. */
  | { kind: 'sagemaker'; endpointName: string; variant?: string; region?: string; protocol: SageMakerProtocol };

/**
 * How the runner reaches the transport; undefined is the runner's default, the pipeline in this
 * process. `warnings` collects what the target notices (into the run's document).
 */
export function targetOpener(transport: TransportChoice, rt: Pick<AppRuntime, 'env'>, warnings: string[]): OpenTarget | undefined {
  switch (transport.kind) {
    case 'inprocess':
      return undefined;
    case 'agent':
      return (spec, o) =>
        openAgentTarget({ spec, home: o.home, env: rt.env, protocol: transport.protocol, clock: o.clock, warnings, onPhase: o.onPhase, signal: o.signal });
    case 'remote':
      return (spec, o) =>
        openRemoteTarget({
          url: transport.url,
          protocol: transport.protocol,
          modelName: transport.modelName,
          token: transport.token ?? nonEmpty(rt.env.CAPACITY_PLAN_TOKEN),
          spec,
          clock: o.clock,
          warnings,
        });
    case 'sagemaker':
      return (spec, o) =>
        openSageMakerTarget({
          endpointName: transport.endpointName,
          ...(transport.variant !== undefined ? { variant: transport.variant } : {}),
          ...(transport.region !== undefined ? { region: transport.region } : {}),
          protocol: transport.protocol,
          spec,
          env: rt.env,
          clock: o.clock,
          warnings,
        });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The instance type the figures stand for (given, else $CAPACITY_PLAN_INSTANCE_TYPE), checked
 * against the price catalog before anything runs: a typo found when the figures are recorded, not
 * at plan time. `flagName` names where a given one came from in the error.
 */
export async function declaredInstanceType(given: string | undefined, rt: Pick<AppRuntime, 'env' | 'home'>, flagName = '--instance-type'): Promise<string | undefined> {
  const instanceType = given ?? rt.env.CAPACITY_PLAN_INSTANCE_TYPE;
  if (instanceType === undefined) return undefined;
  (await loadPriceBook(rt.home)).requireInstanceType(instanceType, given !== undefined ? flagName : 'CAPACITY_PLAN_INSTANCE_TYPE');
  return instanceType;
}
