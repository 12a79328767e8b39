import { availableParallelism, cpus, hostname, totalmem } from 'node:os';
import { Environment } from '../../schema/profileResult.js';
import { queryImds, type ImdsInfo } from './imds.js';

/**
 * The environment record written beside every profile result: what host, which versions, which
 * GPUs, which EC2 instance type. Figures without it cannot be compared or planned with.
 */

export interface CollectEnvironmentOptions {
  env: NodeJS.ProcessEnv;
  onnxruntimeVersion?: string;
  executionProvider?: string;
  gpus?: { name: string; memoryMiB?: number; driverVersion?: string }[];
  gpuAbsentReason?: string;
  /** Declared by the user (--instance-type): what the figures are meant to stand for. */
  instanceType?: string;
  now: Date;
  imds?: { fetch?: typeof fetch; timeoutMs?: number };
}

export interface CollectedEnvironment {
  environment: Environment;
  /** Things the user should know, one sentence each (e.g. declared vs actual instance type). */
  warnings: string[];
}

const BYTES_PER_GIB = 1024 ** 3;

export async function collectEnvironment(options: CollectEnvironmentOptions): Promise<CollectedEnvironment> {
  const ec2 = await queryImds({ env: options.env, ...options.imds });
  const { instanceType, warnings } = resolveInstanceType(options.instanceType, ec2);
  const cpuList = cpus();

  const environment = Environment.parse({
    hostname: hostname(),
    platform: process.platform,
    arch: process.arch,
    // os.cpus() is empty on some platforms and containers; the record still needs a model.
    cpuModel: cpuList[0]?.model.trim() || 'unknown',
    // The same core count the process CPU percentage is divided by (respects CPU affinity).
    cpuCores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / BYTES_PER_GIB) * 10) / 10,
    nodeVersion: process.version,
    ...(options.onnxruntimeVersion !== undefined ? { onnxruntimeVersion: options.onnxruntimeVersion } : {}),
    ...(options.executionProvider !== undefined ? { executionProvider: options.executionProvider } : {}),
    gpus: options.gpus ?? [],
    ...(options.gpuAbsentReason !== undefined ? { gpuAbsentReason: options.gpuAbsentReason } : {}),
    ...(ec2 ? { ec2 } : {}),
    ...(instanceType !== undefined ? { instanceType } : {}),
    recordedAt: options.now.toISOString(),
  });
  return { environment, warnings };
}

/**
 * Which instance type the figures stand for. IMDS says what this host is; a declared type says
 * what the user means to plan for. When both exist and differ, both are kept (IMDS in ec2, the
 * declared one in instanceType, which the planner reads) and the user is warned, since figures
 * measured on one type are being filed under another.
 */
export function resolveInstanceType(
  declared: string | undefined,
  ec2: ImdsInfo | undefined,
): { instanceType?: string; warnings: string[] } {
  if (declared === undefined) return ec2 ? { instanceType: ec2.instanceType, warnings: [] } : { warnings: [] };
  if (ec2 && ec2.instanceType !== declared) {
    return {
      instanceType: declared,
      warnings: [
        `declared instance type ${declared} differs from this host's ${ec2.instanceType} (EC2 instance metadata): ` +
          `the figures were measured on ${ec2.instanceType} and are recorded as ${declared}`,
      ],
    };
  }
  return { instanceType: declared, warnings: [] };
}
