import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Device } from '../schema/profileSpec.js';
import { EnvironmentError } from '../util/errors.js';

const require = createRequire(import.meta.url);

export function onnxruntimeVersion(): string {
  return (require('onnxruntime-node/package.json') as { version: string }).version;
}

/** onnxruntime-node's own folder (its install script lives in script/install.js). */
export function onnxruntimeDir(): string {
  return dirname(require.resolve('onnxruntime-node/package.json'));
}

/** The folder holding onnxruntime-node's native binding for this platform. */
export function bindingDir(): string | undefined {
  const root = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin');
  if (!existsSync(root)) return undefined;
  for (const napi of readdirSync(root)) {
    const dir = join(root, napi, process.platform, process.arch);
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

export const PROVIDER_LIBRARY: Record<Exclude<Device, 'cpu'>, string> = {
  cuda: 'libonnxruntime_providers_cuda.so',
  tensorrt: 'libonnxruntime_providers_tensorrt.so',
};

/** Must match scripts/install/skip-cuda-fetch.cjs, which writes these placeholders on CPU-only installs. */
export const PLACEHOLDER_MARKER = 'capacity-plan placeholder';

export type ProviderFileState = 'installed' | 'placeholder' | 'missing';

/**
 * A provider library as onnxruntime-node would find it: the real shared object, the text
 * placeholder our preinstall writes on hosts without a GPU (so that onnxruntime-node's postinstall
 * does not fetch CUDA from NuGet), or nothing (the clone's `npm ci` runs no install scripts).
 */
export function providerFileState(file: string): ProviderFileState {
  if (!existsSync(file)) return 'missing';
  const head = Buffer.alloc(PLACEHOLDER_MARKER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return head.toString('latin1') === PLACEHOLDER_MARKER ? 'placeholder' : 'installed';
}

export function providerState(device: Exclude<Device, 'cpu'>): { state: ProviderFileState; file: string } {
  const dir = bindingDir() ?? join(onnxruntimeDir(), 'bin');
  const file = join(dir, PROVIDER_LIBRARY[device]);
  return { state: providerFileState(file), file };
}

/**
 * The command that fetches the CUDA 12 providers into onnxruntime-node, in the clone and in an
 * installed package alike: its own install script with the force flag. (`=cuda12` is not used:
 * onnxruntime-node 1.30's parseInstallFlag returns undefined for it, which skips the download when
 * our placeholders are present.)
 */
export function cudaProviderInstallCommand(): string {
  return `ONNXRUNTIME_NODE_INSTALL=true node ${join(onnxruntimeDir(), 'script', 'install.js')}`;
}

/**
 * onnxruntime-node ships only the CPU provider from the npm registry; the CUDA and TensorRT
 * providers are downloaded by its install script, which a CPU-only install skips. Check before
 * creating sessions so the error names the fix instead of a dlopen failure.
 */
export function assertProviderInstalled(device: Device): void {
  if (device === 'cpu') return;
  const { state } = providerState(device);
  if (state !== 'installed') {
    throw new EnvironmentError(
      `execution provider '${device}' is not installed (${PROVIDER_LIBRARY[device]} is ${state === 'placeholder' ? 'a placeholder written by a CPU-only install' : 'missing from onnxruntime-node'})`,
      `run \`capacity-plan doctor\` for what this host lacks; on a GPU host with CUDA 12 and cuDNN 9: ${cudaProviderInstallCommand()}; or use --device cpu`,
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
