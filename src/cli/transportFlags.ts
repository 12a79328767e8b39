import type { Command } from 'commander';
import type { TransportChoice } from '../app/targets.js';
import { isSageMakerUri, parseSageMakerUri } from '../profile/sagemaker/targetUri.js';
import type { PreprocessWhere, ProfileSpec } from '../schema/profileSpec.js';
import { AWS_REGION_CODE } from '../schema/region.js';
import { SageMakerProtocol, type HttpProtocol } from '../schema/transport.js';
import { UsageError } from '../util/errors.js';
import { addFlags, flagName, type FlagTable, type FlagValues } from './flagTable.js';
import { enumOf, text } from './flags.js';
import { SERVER_FLAGS, type SpecFlags } from './specFlags.js';

/**
 * How `profile` (and `sweep`) reach the model: in process, the agent over loopback, a server the
 * user runs, or a SageMaker endpoint. The spec flags are in specFlags.ts.
 */

/** How `profile` reaches the model. */
const TRANSPORT_FLAGS = {
  transport: {
    flag: '--transport <kind>',
    parse: enumOf(['inprocess', 'http'] as const),
    help: 'inprocess (the pipeline in this process) or http (start the agent and drive it over loopback)',
    defaultHelp: 'inprocess',
  },
  target: {
    flag: '--target <url>',
    parse: text,
    help:
      'profile a server you already run (Triton, TorchServe, KServe, a capacity-plan agent) at this base URL, ' +
      'or a SageMaker real-time endpoint: sagemaker://<endpoint>[/<variant>]',
  },
  protocol: {
    flag: '--protocol <protocol>',
    // json: SageMaker targets only ({"instances": [...]}, the framework containers' JSON).
    parse: enumOf(SageMakerProtocol.options),
    help:
      'over HTTP: raw (POST /v1/infer), kserve-v2 (POST /v2/models/<name>/infer, JSON tensors) or torchserve (POST /predictions/<name>); ' +
      'to a SageMaker endpoint: raw or torchserve (image bytes), kserve-v2 (Triton: KServe v2 JSON tensors) or json ({"instances": [...]} tensors)',
    defaultHelp: 'raw',
  },
  modelName: { flag: '--model-name <name>', parse: text, help: '--target: the model name in the protocol paths (kserve-v2, torchserve)' },
  token: { flag: '--token <token>', parse: text, help: '--target: bearer token for an agent bound off loopback', defaultHelp: '$CAPACITY_PLAN_TOKEN' },
  region: {
    flag: '--region <region>',
    parse: text,
    help: 'sagemaker:// targets: the endpoint\'s region',
    defaultHelp: '$AWS_REGION, else the AWS profile\'s region',
  },
} satisfies FlagTable;

export type TransportFlags = FlagValues<typeof TRANSPORT_FLAGS>;

export type { TransportChoice };

/** `sweep` has no --transport: sweeping through an agent it starts itself is not built (README "Known limits"). */
export function addTransportFlags(command: Command, use: 'profile' | 'sweep' = 'profile'): Command {
  if (use === 'profile') return addFlags(command, TRANSPORT_FLAGS);
  const { transport: _transport, ...rest } = TRANSPORT_FLAGS;
  return addFlags(command, rest);
}

/** Checks the transport flags together; every invalid combination is a one-line UsageError. */
export function resolveTransport(flags: TransportFlags & SpecFlags): TransportChoice {
  const { transport, target, protocol, modelName, token } = flags;
  if (token !== undefined && (target === undefined || isSageMakerUri(target))) {
    throw new UsageError('--token applies to --target <url>', 'the agent started by --transport http listens on loopback and needs none');
  }
  if (flags.region !== undefined && (target === undefined || !isSageMakerUri(target))) {
    throw new UsageError('--region applies to --target sagemaker://<endpoint>', 'an HTTP target is reached at its URL');
  }
  if (protocol === 'json' && (target === undefined || !isSageMakerUri(target))) {
    throw new UsageError('--protocol json applies to --target sagemaker://<endpoint>', 'over HTTP use raw, kserve-v2 or torchserve');
  }
  if (target !== undefined && isSageMakerUri(target)) return sagemakerTransport(flags, target);
  if (target === undefined) {
    if (transport !== 'http') {
      const stray = protocol !== undefined ? '--protocol' : modelName !== undefined ? '--model-name' : undefined;
      if (stray) throw new UsageError(`${stray} applies to --transport http or --target <url>`);
      return { kind: 'inprocess' };
    }
    if (modelName !== undefined) {
      throw new UsageError('--model-name applies to --target <url>', 'the agent started by --transport http serves the model under its own name');
    }
    if (protocol === 'torchserve') {
      throw new UsageError('--protocol torchserve applies to --target <url>: the agent speaks raw and kserve-v2', 'use --protocol raw or kserve-v2');
    }
    return { kind: 'agent', protocol: (protocol as 'raw' | 'kserve-v2' | undefined) ?? 'raw' };
  }
  if (transport === 'inprocess') throw new UsageError('--target <url> profiles a server over HTTP: it cannot be combined with --transport inprocess');
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`--target must be a URL such as http://127.0.0.1:8000, got '${target}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--target must be an http:// or https:// URL, got '${target}'`);
  if (url.pathname !== '/' || url.search !== '') {
    throw new UsageError(`--target takes the server's base URL (scheme, host and port), got '${target}'`, `the protocol picks the path; try --target ${url.origin}`);
  }
  rejectServerFlags(flags);
  const chosen = (protocol as HttpProtocol | undefined) ?? 'raw';
  if (chosen === 'torchserve' && modelName === undefined) throw new UsageError('--protocol torchserve needs --model-name <name> (the {name} in /predictions/{name})');
  return { kind: 'remote', url: url.origin, protocol: chosen, modelName, ...(token !== undefined ? { token } : {}) };
}

function rejectServerFlags(flags: TransportFlags & SpecFlags): void {
  const server = SERVER_FLAGS.find(([key]) => flags[key] !== undefined);
  if (server) {
    throw new UsageError(
      `${flagName(server[1])} does not apply with --target: the target server's own configuration applies`,
      server[0] === 'model' ? 'name the served model with --model-name' : 'shape the load with --load, --concurrency, --rps, --duration',
    );
  }
}

/** --target sagemaker://<endpoint>[/<variant>] [--region] [--protocol]. */
function sagemakerTransport(flags: TransportFlags & SpecFlags, target: string): TransportChoice {
  if (flags.transport === 'inprocess') throw new UsageError('--target sagemaker://... profiles an endpoint: it cannot be combined with --transport inprocess');
  if (flags.modelName !== undefined) {
    throw new UsageError('--model-name does not apply to a SageMaker endpoint', 'the endpoint (and its variant) name the model: sagemaker://<endpoint>/<variant>');
  }
  const uri = parseSageMakerUri(target);
  if (flags.region !== undefined && !AWS_REGION_CODE.test(flags.region)) {
    throw new UsageError(`--region '${flags.region}' is not an AWS region code`, 'e.g. --region us-east-1');
  }
  rejectServerFlags(flags);
  return { kind: 'sagemaker', ...uri, ...(flags.region !== undefined ? { region: flags.region } : {}), protocol: flags.protocol ?? 'raw' };
}

/**
 * The spec as the transport needs it: KServe v2 carries tensors (client-side preprocessing), and
 * TorchServe's inference API image files (server-side). Returns notes for the document.
 */
export function specForTransport(spec: ProfileSpec, choice: TransportChoice, flags: SpecFlags): { spec: ProfileSpec; warnings: string[] } {
  if (choice.kind === 'inprocess') return { spec, warnings: [] };
  const where = spec.pipeline.preprocess.where;
  if (choice.protocol === 'kserve-v2' || choice.protocol === 'json') {
    if (flags.preprocess === 'server') throw new UsageError(`--protocol ${choice.protocol} sends tensors: it needs --preprocess client`);
    if (where === 'client') return { spec, warnings: [] };
    const moved = withPreprocess(spec, 'client');
    return { spec: moved, warnings: flags.preset ? [`--protocol ${choice.protocol} sends tensors: preprocessing moved to the client (the preset has it on the server)`] : [] };
  }
  if (choice.protocol === 'torchserve' && where === 'client') {
    if (flags.preprocess === 'client') throw new UsageError('--protocol torchserve posts image files: it needs --preprocess server');
    return { spec: withPreprocess(spec, 'server'), warnings: [] };
  }
  return { spec, warnings: [] };
}

function withPreprocess(spec: ProfileSpec, where: PreprocessWhere): ProfileSpec {
  return { ...spec, pipeline: { ...spec.pipeline, preprocess: { ...spec.pipeline.preprocess, where } } };
}
