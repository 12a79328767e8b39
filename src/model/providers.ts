import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Device } from '../schema/profileSpec.js';
import { EnvironmentError } from '../util/errors.js';

const require = createRequire(import.meta.url);

export function onnxruntimeVersion(): string {
  return (require('onnxruntime-node/package.json') as { version: string }).version;
}

/** The folder holding onnxruntime-node's native binding for this platform. */
function bindingDir(): string | undefined {
  const root = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin');
  if (!existsSync(root)) return undefined;
  for (const napi of readdirSync(root)) {
    const dir = join(root, napi, process.platform, process.arch);
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

const PROVIDER_LIBRARY: Record<Exclude<Device, 'cpu'>, string> = {
  cuda: 'libonnxruntime_providers_cuda.so',
  tensorrt: 'libonnxruntime_providers_tensorrt.so',
};

/**
 * onnxruntime-node ships only the CPU provider from the npm registry; the CUDA and TensorRT
 * providers are downloaded by its install script, which this project's .npmrc skips by default.
 * Check before creating sessions so the error names the fix instead of a dlopen failure.
 */
export function assertProviderInstalled(device: Device): void {
  if (device === 'cpu') return;
  const dir = bindingDir();
  const lib = PROVIDER_LIBRARY[device];
  if (!dir || !existsSync(join(dir, lib))) {
    throw new EnvironmentError(
      `execution provider '${device}' is not installed (${lib} is missing from onnxruntime-node)`,
      'on a GPU host fetch it with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false` (needs CUDA 12 and cuDNN 9), or use --device cpu',
    );
  }
}

/** Execution providers in preference order; CPU is always the fallback for unsupported ops. */
export function executionProviders(device: Device): unknown[] {
  switch (device) {
    case 'cpu':
      return ['cpu'];
    case 'cuda':
      return [{ name: 'cuda', deviceId: 0 }, 'cpu'];
    case 'tensorrt':
      return [{ name: 'tensorrt', deviceId: 0 }, { name: 'cuda', deviceId: 0 }, 'cpu'];
  }
}
