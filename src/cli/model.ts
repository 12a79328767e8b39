import { resolve } from 'node:path';
import { BUILT_IN_MODELS, MODEL_INFO, buildBuiltInModel, isBuiltInModel } from '../model/modelCache.js';
import { writeFileAtomic } from '../util/documents.js';
import { UsageError } from '../util/errors.js';
import type { Register } from './program.js';

/** `capacity-plan model build <resnet50|tiny> --out <file> [--seed <n>]`: writes a reference model. */
export const registerModelCommand: Register = (program, rt) => {
  const model = program.command('model').description('build the reference ONNX models');
  model
    .command('build')
    .description(`write a built-in model (${BUILT_IN_MODELS.join(', ')}) with seeded random weights to an .onnx file`)
    .argument('<name>', `model to build: ${BUILT_IN_MODELS.join(' or ')}`)
    .requiredOption('--out <file>', 'where to write the .onnx file')
    .option('--seed <n>', 'seed of the random weights (same seed, same bytes)', '1')
    .action(async (name: string, options: { out: string; seed: string }) => {
      if (!isBuiltInModel(name)) {
        throw new UsageError(
          `unknown model '${name}': expected one of ${BUILT_IN_MODELS.join(', ')}`,
          `e.g. capacity-plan model build tiny --out tiny.onnx`,
        );
      }
      const seed = parseSeed(options.seed);
      const path = resolve(rt.cwd, options.out);
      const bytes = buildBuiltInModel(name, seed);
      await writeFileAtomic(path, bytes);
      const info = MODEL_INFO[name];
      rt.stdout.write(
        `${path}: ${name} seed ${seed}, ${formatBytes(bytes.byteLength)}, ` +
          `${info.parameters.toLocaleString('en-US')} parameters, ${formatMacs(info.macsPerImage)} MACs per image\n`,
      );
    });
};

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
    throw new UsageError(`--seed '${text}' is not a whole number from 0 to 4294967295`, 'e.g. --seed 1');
  }
  return seed;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e3).toFixed(1)} KB`;
}

function formatMacs(macs: number): string {
  if (macs >= 1e9) return `${(macs / 1e9).toFixed(2)} G`;
  return `${(macs / 1e6).toFixed(2)} M`;
}
