import { access, constants, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/documents.js';
import { InputError } from '../util/errors.js';
import type { ModelInfo } from './graphBuilder.js';
import { buildResNet50, describeResNet50 } from './resnet50.js';
import { buildTiny, describeTiny } from './tiny.js';

/**
 * The built-in reference models and their on-disk cache. A profile names `resnet50` or `tiny`
 * (built on first use into $CAPACITY_PLAN_HOME/models) or a path to the user's own .onnx file.
 */

export const BUILT_IN_MODELS = ['resnet50', 'tiny'] as const;
export type BuiltInModel = (typeof BUILT_IN_MODELS)[number];

/** Seed of the cached built-in models; `model build --seed` writes other seeds to a chosen path. */
export const CACHE_SEED = 1;

const BUILDERS: Record<BuiltInModel, (options: { seed: number }) => Uint8Array> = {
  resnet50: buildResNet50,
  tiny: buildTiny,
};

/** Parameters, MACs per image and a description of each built-in, from walking its architecture. */
export const MODEL_INFO: Record<BuiltInModel, ModelInfo> = {
  resnet50: describeResNet50(),
  tiny: describeTiny(),
};

export function isBuiltInModel(name: string): name is BuiltInModel {
  return (BUILT_IN_MODELS as readonly string[]).includes(name);
}

export function buildBuiltInModel(name: BuiltInModel, seed: number): Uint8Array {
  return BUILDERS[name]({ seed });
}

export interface ResolvedModel {
  path: string;
  builtIn: BuiltInModel | null;
}

// Builds in progress, by cache path: concurrent callers in this process share one build.
// (Separate processes may both build; the atomic rename makes the last identical file win.)
const building = new Map<string, Promise<void>>();

export async function resolveModelPath(source: string, home: string): Promise<ResolvedModel> {
  if (isBuiltInModel(source)) {
    const path = join(home, 'models', `${source}-seed${CACHE_SEED}.onnx`);
    await ensureBuilt(source, path);
    return { path, builtIn: source };
  }
  await checkModelFile(source);
  return { path: source, builtIn: null };
}

function ensureBuilt(name: BuiltInModel, path: string): Promise<void> {
  let pending = building.get(path);
  if (!pending) {
    // Forget the promise once settled: a failed build can be retried, and a deleted cache file
    // is noticed on the next call.
    pending = buildIfMissing(name, path).finally(() => building.delete(path));
    building.set(path, pending);
  }
  return pending;
}

async function buildIfMissing(name: BuiltInModel, path: string): Promise<void> {
  if (await isNonEmptyFile(path)) return;
  await writeFileAtomic(path, buildBuiltInModel(name, CACHE_SEED));
}

async function isNonEmptyFile(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    return info.isFile() && info.size > 0;
  } catch {
    return false;
  }
}

async function checkModelFile(path: string): Promise<void> {
  const hint = `use --model ${BUILT_IN_MODELS.join('|')} for a built-in model, or the path of an .onnx file`;
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError(`model file '${path}' not found`, hint);
  }
  if (!info.isFile()) throw new InputError(`model '${path}' is not a file`, hint);
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new InputError(`model file '${path}' is not readable`, 'check its permissions');
  }
}
